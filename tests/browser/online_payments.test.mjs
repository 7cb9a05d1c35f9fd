// « Activer les paiements en ligne » played by clicks: quittance-server in platform mode (Stripe
// Connect), the Stripe double and the app in Chromium. The owner opens Paramètres → « Paiements
// en ligne », goes to Stripe's form (the double's stand-in) in the same tab, comes back to the
// app, and the state follows Stripe: in review, active, restricted with what Stripe asks for,
// active again. Then a card saved by the patient on the clinic's account pays an invoice from
// « Payer » (« Débiter la carte »), on that account and not on the platform's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { click, eventually, labels, launch, newProfile, openApp, resultsDir, settle, exec, query, widget } from './harness.mjs';
import { patientSavesCard, startServerWithStripe } from './stripe.mjs';

let env, context, page;
before(async () => {
  env = await startServerWithStripe({ platform: true });
  context = await launch(newProfile());
  ({ page } = await openApp(context, env.pairUrl));
});
after(async () => {
  await context?.close();
  await env?.stop();
});

const state = () => page.evaluate(() => window.quittance.state());
const until = (what, check, ms = 20000) => eventually(check, { timeout: ms, what });

async function shown(text, ms) {
  return until(`« ${text} » on screen`, async () => {
    await settle(page);
    const l = await labels(page);
    return l.find((x) => x.startsWith(text)) ? l : null;
  }, ms);
}

async function openTab() {
  await click(page, 'Paramètres');
  await click(page, 'Paiements en ligne');
}

// A click that leaves the app for Stripe's form: no frame is waited for after it.
async function clickToStripe(label) {
  const w = await widget(page, label);
  assert.ok(w.enabled, `${label} enabled`);
  await page.mouse.click(w.x + w.w / 2, w.y + w.h / 2);
  await page.waitForURL((u) => u.href.startsWith(`${env.double.base}/_double/connect/onboard/`), { timeout: 20000 });
}

const accountId = async () => (await env.double.control('/_double/connect/accounts')).data[0]?.id;

// The app is back from Stripe (a new page load): ready again, on its « Paiements en ligne » tab.
// Stripe sends the browser to the server's return page, which sends it on to the app's address.
async function backInApp() {
  const app = new URL(env.url);
  await page.waitForURL((u) => u.origin === app.origin && u.pathname === '/', { timeout: 20000 })
    .catch((e) => { throw new Error(`${e.message} at ${page.url()}`); });
  await page.waitForLoadState('load');
  await page.waitForFunction(() => window.quittance && window.quittance.ready, null, { timeout: 20000 });
  await page.evaluate(() => window.quittance.ready);
  await settle(page);
}

test('the owner activates online payments from « Paramètres »; each state is said with what Stripe asks for', async () => {
  await until('the server link', async () => (await state()).backend?.connection === 'online');
  await openTab();
  let l = await shown('État : Non activé');
  assert.ok(l.includes('Activer les paiements en ligne'), l.join(' | '));
  assert.ok(l.includes('Pays de l’activité'), l.join(' | '));
  assert.ok(!(await state()).backend.cardPayments, 'no card payments before activation');
  await page.screenshot({ path: path.join(resultsDir, 'online-not-activated.png') });

  // To Stripe's form, in this tab.
  await clickToStripe('Activer les paiements en ligne');
  await page.getByLabel('IBAN').waitFor();
  await page.getByLabel('Nom de l\'activité').fill('Cabinet de kinésithérapie Dupré');
  await page.screenshot({ path: path.join(resultsDir, 'online-stripe-form.png') });
  await page.getByLabel('Résultat de la vérification').selectOption('review');
  await page.getByRole('button', { name: 'Envoyer' }).click();

  // Back: the app opens on the tab and asks Stripe.
  await backInApp();
  assert.equal(await page.evaluate(() => window.location.hash), '', 'the #stripe= address is taken once');
  l = await shown('État : En vérification');
  assert.ok(l.includes('Vous êtes revenu du formulaire de Stripe : voici l’état de votre compte.'), l.join(' | '));
  assert.ok(l.some((x) => x.startsWith('• une pièce d’identité (en cours de vérification)')), l.join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'online-in-review.png') });

  // Stripe is done checking.
  const account = await accountId();
  await env.double.control(`/_double/connect/accounts/${account}/update`, {
    charges_enabled: true, payouts_enabled: true, requirements: { pending_verification: [], disabled_reason: null },
  });
  await click(page, 'Actualiser l’état');
  l = await shown('État : Actif');
  assert.ok(l.includes('Ouvrir le tableau de bord Stripe'), l.join(' | '));
  await until('card payments offered', async () => (await state()).backend.cardPayments);
  await page.screenshot({ path: path.join(resultsDir, 'online-active.png') });

  // Restricted mid-way: Stripe's list in words.
  await env.double.control(`/_double/connect/accounts/${account}/update`, {
    charges_enabled: false,
    requirements: {
      currently_due: ['individual.verification.document', 'external_account'],
      past_due: ['individual.verification.document'],
      errors: [{ requirement: 'individual.verification.document', code: 'verification_document_failed_other', reason: 'x' }],
      disabled_reason: 'requirements.past_due',
    },
  });
  await click(page, 'Actualiser l’état');
  l = await shown('État : Restreint');
  assert.ok(l.some((x) => x.startsWith('• une pièce d’identité : le document a été refusé')), l.join(' | '));
  assert.ok(l.includes('• le compte bancaire (IBAN) où Stripe verse les paiements'), l.join(' | '));
  assert.ok(l.includes('Reprendre l’activation'), l.join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'online-restricted.png') });

  // « Reprendre l'activation » with an expired link: Stripe sends the practitioner back, the app
  // says so, and a second click goes through.
  await clickToStripe('Reprendre l’activation');
  const token = new URL(page.url()).pathname.split('/').pop();
  await env.double.control(`/_double/connect/links/${token}/expire`, {});
  await page.reload();
  await backInApp();
  l = await shown('Le lien vers le formulaire de Stripe a expiré');
  await page.screenshot({ path: path.join(resultsDir, 'online-link-expired.png') });
  await clickToStripe('Reprendre l’activation');
  await page.getByLabel('Nom de l\'activité').fill('Cabinet de kinésithérapie Dupré');
  await page.getByRole('button', { name: 'Envoyer' }).click();  // « Vérifié : paiements actifs »
  await backInApp();
  await shown('État : Actif');
  assert.deepEqual(page.pageErrors, []);
});

test('a card the patient saves on the clinic\'s account pays from « Payer » (« Débiter la carte »), on that account', async () => {
  await until('card payments offered', async () => (await state()).backend?.cardPayments);
  const patient = (await exec(page, { cmd: 'patient.create', id: 'op-p-1', name: 'Éloïse Dupré', email: 'e@example.fr' })).result.patient_id;
  await exec(page, { cmd: 'invoice.create', id: 'op-inv-1', patient_id: patient, lines: [{ label: 'Séance', unit_price: 6500 }] });
  const number = (await exec(page, { cmd: 'invoice.issue', id: 'op-iss-1', invoice_id: 'op-inv-1' })).result.number;
  // A card request, paid by the patient on the payment page (Stripe.js on the clinic's account).
  await exec(page, { cmd: 'payment_request.create', id: 'op-req-1', patient_id: patient, kind: 'card',
    token: 'opCardRequest0123456789abcdefghijklmnopqrst' });
  await until('the request sent to the server', async () => (await state()).sync?.pending === 0);
  const request = (await query(page, { cmd: 'payment_request.list', patient_id: patient })).result.items[0];
  await patientSavesCard(context, new URL(request.path, env.url).href, '4242 4242 4242 4242', until);
  await until('the card saved', async () =>
    (await query(page, { cmd: 'payment_request.list', patient_id: patient })).result.items[0].state === 'paid', 30000);

  await click(page, 'Factures');
  await click(page, `Payer##pay-${number}`);
  await click(page, 'Type de paiement');
  const entry = await until('« Débiter la carte » offered', async () => {
    await settle(page);
    return (await labels(page)).find((l) => l.startsWith('Débiter la carte'));
  });
  await click(page, entry);
  await click(page, 'Soumettre');
  await until('the invoice paid', async () => (await query(page, { cmd: 'invoice.get', invoice_id: 'op-inv-1' })).result.status === 'paid', 30000);
  const stats = await env.double.control('/_double/stats');
  const account = await accountId();
  assert.equal(stats.by_scope[account].payment_intents_succeeded, 1);
  assert.equal(stats.by_scope.platform?.payment_intents ?? 0, 0, 'nothing on the platform\'s account');
  assert.deepEqual(page.pageErrors, []);
});
