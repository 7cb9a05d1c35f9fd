// Card payments end to end: quittance-server, the Stripe double and the app in Chromium. The
// browser pairs with the server through a #pair= link; a card is saved (the patient's part is
// played on the link's payment page, through the double's Stripe.js stand-in); « Débiter la carte » pays an invoice from
// the « Payer » dialog; a refund goes back through Stripe; a declined card is told in French;
// a network cut between the server and Stripe, then « Réessayer », charges exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { click, eventually, labels, launch, newProfile, openApp, resultsDir, settle, exec, query, type } from './harness.mjs';
import { patientSavesCard, startServerWithStripe } from './stripe.mjs';

let env, context, page;
before(async () => {
  env = await startServerWithStripe();
  context = await launch(newProfile());
  ({ page } = await openApp(context, env.pairUrl));
});
after(async () => {
  await context?.close();
  await env?.stop();
});

const state = () => page.evaluate(() => window.quittance.state());


// Polls `check` (truthy when done) for up to `ms`: the harness's eventually(), with the long
// waits a webhook or a sync takes.
const until = (what, check, ms = 20000) => eventually(check, { timeout: ms, what });

async function shownLabel(text, ms) {
  return until(`« ${text} » on screen`, async () => {
    await settle(page);
    return (await labels(page)).find((l) => l.startsWith(text));
  }, ms);
}

let serial = 0;
async function patientWithInvoice(name, amount) {
  const n = ++serial;
  const p = (await exec(page, { cmd: 'patient.create', id: `card-p-${n}`, name, email: `p${n}@example.fr` })).result.patient_id;
  await exec(page, { cmd: 'invoice.create', id: `card-inv-${n}`, patient_id: p, lines: [{ label: 'Séance', unit_price: amount }] });
  const number = (await exec(page, { cmd: 'invoice.issue', id: `card-iss-${n}`, invoice_id: `card-inv-${n}` })).result.number;
  return { patient: p, invoice: `card-inv-${n}`, number };
}

// On the patient's page, « Enregistrer une carte » makes a link for a card; the patient opens
// it, agrees to keep the card and types `number` in the Stripe.js stand-in's frame (a SetupIntent
// on the double); the card then shows on the patient's page by itself.
async function saveCard(name, patient, number) {
  await click(page, 'Patients');
  await type(page, 'Rechercher un patient', name.slice(0, 4));
  await click(page, `${name}##patient-${patient}`);
  await click(page, 'Enregistrer une carte');
  // The form is open on « Enregistrement d'une carte »: its explanation is shown.
  assert.ok((await labels(page)).some((l) => l.startsWith('Le patient enregistre sa carte sur une page sécurisée')));
  await click(page, 'Créer le lien de paiement');
  const request = (await query(page, { cmd: 'payment_request.list', patient_id: patient })).result.items
    .find((r) => r.kind === 'card' && r.state === 'sent');
  assert.ok(request, 'a card request');
  assert.ok((await labels(page)).includes('Lien de paiement créé :'), 'the new link shown under the button');
  await until('the request sent to the server', async () => (await state()).sync?.pending === 0);
  await patientSavesCard(context, new URL(request.path, env.url).href, number, until);
  return shownLabel('Carte enregistrée : ', 30000).then(async (l) => {
    await until('the card on the page', async () => (await labels(page)).some((x) => x.includes('••••')));
    await until('the used link no longer offered', async () => !(await labels(page)).includes('Lien de paiement créé :'));
    return l;
  });
}

async function chargeFromPayDialog(number) {
  await click(page, 'Factures');
  await click(page, `Payer##pay-${number}`);
  await click(page, 'Type de paiement');
  const entry = (await labels(page)).find((l) => l.startsWith('Débiter la carte'));
  assert.ok(entry, (await labels(page)).join(' | '));
  await click(page, entry);
  await settle(page);
}

const charges = async () => (await env.double.control('/_double/stats')).charges;

test('the #pair= link pairs the browser with the server, which offers card payments', async () => {
  const s = await until('the server link', async () => {
    const st = await state();
    return st.backend?.connection === 'online' && st.backend.cardPayments ? st : null;
  });
  assert.equal(s.backend.blocked, '');
  assert.ok(!(await page.evaluate(() => window.location.hash)), 'the code stays out of the address bar');
  await click(page, 'Paramètres');
  await click(page, 'Serveur');
  const shown = await labels(page);
  assert.ok(shown.includes('Paiements par carte (Stripe) : disponibles.'), shown.join(' | '));
  assert.ok(shown.includes('État : connecté'), shown.join(' | '));
  assert.ok(shown.includes('À jour'), shown.join(' | '));  // the status bar: the clinic's log is synced
  // The clinic's devices: the first one (made by create-clinic) and this browser.
  const devices = await until('the devices listed', async () => {
    await settle(page);
    const l = await labels(page);
    return l.some((x) => x.startsWith('Ce navigateur') && x.endsWith('(cet appareil)')) ? l : null;
  });
  assert.ok(devices.some((x) => x.startsWith('Poste principal')), devices.join(' | '));
  assert.ok(devices.includes('Révoquer'), devices.join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'settings-server.png') });
});

test('a saved card pays the invoice from « Payer », with Stripe\'s fee; then a refund goes back through Stripe', async () => {
  const { patient, invoice, number } = await patientWithInvoice('Éloïse Dupré', 6500);
  await saveCard('Éloïse Dupré', patient, '4242 4242 4242 4242');
  assert.ok((await labels(page)).some((l) => l.startsWith('Carte enregistrée : Visa •••• 4242')));
  await page.screenshot({ path: path.join(resultsDir, 'patient-card.png') });

  await chargeFromPayDialog(number);
  const shown = await labels(page);
  assert.ok(shown.includes('Montant débité : 65,00\u00A0€'), shown.join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'pay-dialog-card.png') });
  await click(page, 'Soumettre');
  await until('the invoice paid', async () => (await query(page, { cmd: 'invoice.get', invoice_id: invoice })).result.status === 'paid');
  assert.equal(await charges(), 1);
  const payment = (await query(page, { cmd: 'payment.list', patient_id: patient })).result.items[0];
  assert.equal(payment.payment_type_id, 'card_online');
  assert.equal(payment.fee, Math.round(6500 * 0.015) + 25);
  assert.match(payment.processor_ref, /^pi_/);

  // « Rembourser » 20 € of it, on the card.
  await click(page, 'Patients');
  await type(page, 'Rechercher un patient', 'Éloï');
  await click(page, `Éloïse Dupré##patient-${patient}`);
  await click(page, 'Paiements et acomptes');
  await click(page, `Rembourser##refund-${payment.payment_id}`);
  assert.ok((await labels(page)).includes('Le remboursement est fait sur la carte du patient, par Stripe.'));
  await type(page, 'Montant', '20');
  await type(page, 'Motif', 'Séance écourtée');
  await page.screenshot({ path: path.join(resultsDir, 'refund-dialog.png') });
  await click(page, 'Rembourser##refund-submit');
  await until('the refund recorded', async () =>
    (await query(page, { cmd: 'patient.balance', patient_id: patient })).result.refunded === 2000);
  assert.equal((await env.double.control('/_double/stats')).refunds, 1);
  assert.equal((await query(page, { cmd: 'invoice.get', invoice_id: invoice })).result.due, 2000);
});

test('a declined card is told in French, and the invoice stays to pay', async () => {
  const { patient, invoice, number } = await patientWithInvoice('Noël Œuvrard', 4000);
  await saveCard('Noël Œuvrard', patient, '4000 0000 0000 9995');
  await chargeFromPayDialog(number);
  await click(page, 'Soumettre');
  await shownLabel('Carte refusée : fonds insuffisants.');
  await page.screenshot({ path: path.join(resultsDir, 'pay-dialog-declined.png') });
  assert.equal((await query(page, { cmd: 'invoice.get', invoice_id: invoice })).result.status, 'due');
  await click(page, 'Annuler##pay-cancel');
});

test('a network cut between the server and Stripe, then « Réessayer », charges exactly once', async () => {
  const { patient, invoice, number } = await patientWithInvoice('Zoé Lefèvre', 5500);
  await saveCard('Zoé Lefèvre', patient, '5555 5555 5555 4444');
  const before = await charges();
  // Stripe charges, and every answer to the server is lost (its own retries included).
  await env.double.control('/_double/webhooks/pause', {});
  await env.double.control('/_double/fail-next',
    { path_prefix: '/v1/payment_intents', method: 'POST', mode: 'drop_response', count: 3 });
  await chargeFromPayDialog(number);
  await click(page, 'Soumettre');
  await shownLabel('Stripe ne répond pas. Réessayez : la carte ne sera pas débitée deux fois.');
  assert.equal(await charges(), before + 1);
  assert.equal((await query(page, { cmd: 'invoice.get', invoice_id: invoice })).result.status, 'due');
  await page.screenshot({ path: path.join(resultsDir, 'pay-dialog-retry.png') });
  await click(page, 'Réessayer');
  await until('the invoice paid', async () => (await query(page, { cmd: 'invoice.get', invoice_id: invoice })).result.status === 'paid');
  assert.equal(await charges(), before + 1);
  await env.double.control('/_double/webhooks/resume', {});
  assert.equal((await query(page, { cmd: 'payment.list', patient_id: patient })).result.items.length, 1);
});
