// Payment links end to end (seeds 002, 003, 004): the practice asks for a payment by clicks in
// the app (paired with quittance-server, wired to the Stripe double); the patient opens the
// link on a phone-sized screen, pays with a test card typed in the Stripe.js stand-in's frame,
// downloads the invoice; the app sees the request paid and the invoices settled. Then a deposit
// at booking becomes account credit and confirms the appointment; a declined card is told in
// French and the link still works; a tampered link shows nothing of the clinic. axe-core finds
// no serious or critical problem on the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  click, euros, eventually, findOnScreen, labels, launch, newProfile, openApp, practiceDay, resultsDir, settle, exec, query, type,
} from './harness.mjs';
import { startServerWithStripe } from './stripe.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const axeSource = readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
const FRAME = 'iframe[title="Formulaire de paiement sécurisé"]';

let env, context, page, phoneContext;
before(async () => {
  env = await startServerWithStripe();
  context = await launch(newProfile());
  ({ page } = await openApp(context, env.pairUrl));
  // The patient's phone: another browser profile, 390 × 844 CSS pixels, touch.
  phoneContext = await launch(newProfile(), { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
});
after(async () => {
  await phoneContext?.close();
  await context?.close();
  await env?.stop();
});

// Polls `check` (truthy when done) for up to `ms`: the harness's eventually(), with the long
// waits a webhook or a sync takes.
const until = (what, check, ms = 30000) => eventually(check, { timeout: ms, what });
const shown = async (text) => findOnScreen(page, (labels) => labels.find((l) => l.startsWith(text)),
  { timeout: 30000, what: `« ${text} »` });
// The device's operations reached the server (the link works from then on).
const synced = () => until('the operations sent', async () => {
  const s = await page.evaluate(() => window.quittance.state());
  return s.backend?.connection === 'online' && s.sync?.pending === 0;
});

async function openPatient(name, id) {
  await click(page, 'Patients');
  await type(page, 'Rechercher un patient', name.slice(0, 5));
  await click(page, `${name}##patient-${id}`);
}

// The patient's page on the phone: errors of the page and CSP reports are kept.
async function openLink(url) {
  const phone = await phoneContext.newPage();
  phone.problems = [];
  phone.on('pageerror', (e) => phone.problems.push(e.message));
  phone.on('console', (m) => { if (m.type() === 'error') phone.problems.push(m.text()); });
  await phone.goto(url);
  return phone;
}

// The request's page once its data came: its static heading is there from the start, beside
// « Chargement… » (reading the page on the heading alone raced the load on a busy machine).
async function loaded(phone) {
  await phone.getByRole('heading', { name: 'Demande de paiement' }).waitFor();
  await phone.getByText('Chargement de la demande de paiement…').waitFor({ state: 'detached' });
}

async function payWithCard(phone, number, { consent = false } = {}) {
  if (consent) await phone.getByLabel(/J'accepte que/).check();
  await phone.getByRole('button', { name: /^Payer/ }).click();
  const frame = phone.frameLocator(FRAME);
  await frame.getByLabel('Numéro de carte').fill(number);
  await frame.getByLabel("Date d'expiration (MM/AA)").fill('12/34');
  await frame.getByLabel('Code de sécurité (CVC)').fill('123');
  const confirm = phone.getByRole('button', { name: 'Confirmer le paiement' });
  await until('the confirm button enabled', () => confirm.isEnabled());
  await confirm.click();
}

let links;
test('« Demander un paiement en ligne » on the patient page makes a link for the unpaid invoices', async () => {
  await until('paired', async () => (await page.evaluate(() => window.quittance.state())).backend?.connection === 'online');
  await exec(page, { cmd: 'settings.set', id: 'pp-name', key: 'practice.name', value: 'Cabinet de kinésithérapie Dupré' });
  await exec(page, { cmd: 'settings.set', id: 'pp-cgv', key: 'practice.cgv_url', value: 'https://cabinet-dupre.example/cgv' });
  const p = (await exec(page, { cmd: 'patient.create', id: 'pp-p1', name: 'Éloïse Dupré', email: 'eloise@example.fr' })).result.patient_id;
  for (const [n, amount] of [[1, 6000], [2, 4500]]) {
    await exec(page, { cmd: 'invoice.create', id: `pp-inv-${n}`, patient_id: p, lines: [{ label: 'Séance de kinésithérapie', unit_price: amount }] });
    await exec(page, { cmd: 'invoice.issue', id: `pp-iss-${n}`, invoice_id: `pp-inv-${n}` });
  }
  await openPatient('Éloïse Dupré', p);
  await click(page, 'Demander un paiement en ligne');
  const ticked = (await page.evaluate(() => window.quittance.ui())).filter((w) => w.kind === 'checkbox' && w.key.includes('##request-invoice-'));
  assert.equal(ticked.length, 2);
  assert.ok(ticked.every((w) => w.checked), 'every unpaid invoice is ticked at first');
  assert.ok((await labels(page)).includes(`Montant demandé : ${euros(10500)}`), (await labels(page)).join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'request-form.png') });
  await click(page, 'Créer le lien de paiement');
  await shown('Lien de paiement créé :');
  const items = (await query(page, { cmd: 'payment_request.list', patient_id: p })).result.items;
  assert.equal(items.length, 1);
  assert.equal(items[0].amount, 10500);
  const url = (await labels(page)).find((l) => l.endsWith(items[0].path));
  assert.ok(url && url.startsWith(env.url), `the link is shown whole: ${url}`);
  await click(page, 'Copier le lien');
  await shown('Lien copié');
  await click(page, 'Demandes de paiement');
  assert.ok((await labels(page)).some((l) => l.includes(euros(10500)) && l.includes('Envoyée')), (await labels(page)).join(' | '));
  links = { patient: p, url, request: items[0] };
  await synced();
});

test('the patient pays on a phone; the invoice PDF says paid; the app sees both invoices paid', async () => {
  const phone = await openLink(links.url);
  await loaded(phone);
  const text = await phone.locator('body').innerText();
  for (const expected of ['Cabinet de kinésithérapie Dupré', 'Pour Éloïse Dupré', 'Facture', '105,00', 'Conditions générales de vente']) {
    assert.ok(text.includes(expected), `« ${expected} » on the page:\n${text}`);
  }
  assert.ok(!text.includes('eloise@example.fr'), 'the page shows nothing it does not need');
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling on a phone (${width} px)`);
  await phone.screenshot({ path: path.join(resultsDir, 'pay-page-phone.png'), fullPage: true });

  // The app sees the link opened (the server's event, pulled).
  await until('the request opened', async () =>
    (await query(page, { cmd: 'payment_request.list', request_id: links.request.request_id })).result.items[0].state === 'opened');

  await payWithCard(phone, '4242 4242 4242 4242');
  await phone.getByRole('heading', { name: 'Merci, votre paiement a été reçu' }).waitFor({ timeout: 30000 });
  await phone.screenshot({ path: path.join(resultsDir, 'pay-page-paid.png'), fullPage: true });
  const pdfLinks = phone.getByRole('link', { name: /Télécharger la facture/ });
  assert.equal(await pdfLinks.count(), 2);
  const href = await pdfLinks.first().getAttribute('href');
  const pdf = await phone.evaluate(async (h) => {
    const r = await fetch(h);
    return { status: r.status, type: r.headers.get('content-type'), head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)) };
  }, href);
  assert.deepEqual([pdf.status, pdf.head], [200, '%PDF-']);
  assert.deepEqual(phone.problems, [], 'no script error nor CSP violation on the page');
  await phone.close();

  await until('both invoices paid in the app', async () => {
    const a = (await query(page, { cmd: 'invoice.get', invoice_id: 'pp-inv-1' })).result.status;
    const b = (await query(page, { cmd: 'invoice.get', invoice_id: 'pp-inv-2' })).result.status;
    return a === 'paid' && b === 'paid';
  });
  await openPatient('Éloïse Dupré', links.patient);
  await click(page, 'Demandes de paiement');
  await settle(page);
  assert.ok((await labels(page)).some((l) => l.includes(euros(10500)) && l.includes('Payée')), (await labels(page)).join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'requests-tab.png') });
});

test('a deposit at booking: the appointment waits, the patient pays, its invoice is made; the balance link pays the rest', async () => {
  await click(page, 'Paramètres');
  await click(page, 'Rendez-vous');
  await type(page, 'Nom (ex. : Première consultation)', 'Première consultation');
  await type(page, 'Prix', '80');
  await click(page, 'Acompte (pourcentage)');
  await type(page, 'Pourcentage du prix', '25');
  await type(page, 'Remboursable en cas d’annulation jusqu’à (heures avant ; vide : jamais)', '48');
  const form = await labels(page);
  assert.ok(form.includes('Émise dès l’acompte payé') && form.includes('Émise après la séance'), form.join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'settings-appointment-form.png') });
  await click(page, 'Ajouter la catégorie');
  await shown('Première consultation');
  assert.ok((await labels(page)).some((l) => l.includes('remboursable jusqu’à 48 h avant')));
  await page.screenshot({ path: path.join(resultsDir, 'settings-appointments.png') });

  const p = (await exec(page, { cmd: 'patient.create', id: 'pp-p2', name: 'Mathéo Girard', email: 'matheo@example.fr' })).result.patient_id;
  await openPatient('Mathéo Girard', p);
  await click(page, 'Rendez-vous');
  await click(page, 'Nouveau rendez-vous');
  // Five days ahead of the practice's today: refundable (48 h before) for three more days.
  const visitDay = practiceDay(-5).fr;
  await type(page, 'Date', visitDay);
  await type(page, 'Heure', '14:30');
  await click(page, 'Créer le rendez-vous');
  await shown(`${visitDay} à 14:30`);
  const appointment = (await query(page, { cmd: 'appointment.list', patient_id: p })).result.items[0];
  assert.equal(appointment.status, 'pending');
  assert.equal(appointment.request.amount, 2000);
  const url = (await labels(page)).find((l) => l.endsWith(appointment.request.path));
  assert.ok(url, 'the link is on the appointment');
  await page.screenshot({ path: path.join(resultsDir, 'appointments-tab.png') });
  await synced();

  const phone = await openLink(url);
  await phone.getByRole('heading', { name: 'Acompte' }).waitFor();
  const text = await phone.locator('body').innerText();
  assert.ok(text.includes(`le ${visitDay} à 14:30`), text);
  assert.ok(text.includes('20,00'), text);
  // A declined card first: said in French, and the form stays for another card.
  await payWithCard(phone, '4000 0000 0000 9995');
  await phone.getByRole('alert').filter({ hasText: /.+/ }).waitFor();
  const refusal = await phone.getByRole('alert').innerText();
  assert.match(refusal, /refus|insuffisant/i);
  const confirm = phone.getByRole('button', { name: 'Confirmer le paiement' });
  const frame = phone.frameLocator(FRAME);
  await frame.getByLabel('Numéro de carte').fill('4242 4242 4242 4242');
  await until('the confirm button enabled', () => confirm.isEnabled());
  await confirm.click();
  await phone.getByRole('heading', { name: 'Merci, votre paiement a été reçu' }).waitFor({ timeout: 30000 });
  await phone.close();

  await until('the appointment confirmed', async () =>
    (await query(page, { cmd: 'appointment.list', patient_id: p })).result.items[0].status === 'confirmed');
  // Its invoice, made when the deposit came: the whole price, the deposit on it, the rest due.
  const booked = (await query(page, { cmd: 'appointment.list', patient_id: p })).result.items[0];
  assert.match(booked.invoice_number, /^F-\d{4}-WEB-\d{6}$/);
  assert.equal(booked.money.due, 6000);
  assert.equal((await query(page, { cmd: 'patient.balance', patient_id: p })).result.credit, 0);
  await click(page, 'Factures');
  await openPatient('Mathéo Girard', p);
  await click(page, 'Rendez-vous');
  const row = await shown(`Demandé 20,00\u00A0€ · Payé 20,00\u00A0€ · Facturé 80,00\u00A0€ (${booked.invoice_number}) · Reste dû 60,00\u00A0€`);
  assert.ok(row);
  await page.screenshot({ path: path.join(resultsDir, 'appointment-deposit-paid.png') });

  // « Envoyer un lien pour le solde »: one click, emailed, and shown to copy.
  await click(page, 'Envoyer un lien pour le solde');
  await shown('Lien pour le solde envoyé au patient par e-mail :');
  const requests = (await query(page, { cmd: 'payment_request.list', patient_id: p })).result.items;
  const balanceRequest = requests.find((r) => r.kind === 'invoices');
  assert.equal(balanceRequest.amount, 6000);
  const balanceUrl = (await labels(page)).find((l) => l.endsWith(balanceRequest.path));
  assert.ok(balanceUrl, 'the balance link is shown');
  await synced();
  const second = await openLink(balanceUrl);
  await second.getByRole('heading', { name: 'Facture à régler' }).waitFor();
  assert.ok((await second.locator('body').innerText()).includes(booked.invoice_number));
  await second.screenshot({ path: path.join(resultsDir, 'pay-balance-phone.png'), fullPage: true });
  await payWithCard(second, '4242 4242 4242 4242');
  await second.getByRole('heading', { name: 'Merci, votre paiement a été reçu' }).waitFor({ timeout: 30000 });
  assert.deepEqual(second.problems, []);
  await second.close();
  await until('the appointment paid in full', async () =>
    (await query(page, { cmd: 'appointment.list', patient_id: p })).result.items[0].money.due === 0);
  assert.equal((await query(page, { cmd: 'invoice.get', invoice_id: booked.invoice_id })).result.status, 'paid');

  // « Annuler le rendez-vous » of a paid visit asks what becomes of the money, the terms said.
  await click(page, 'Annuler le rendez-vous');
  // Booked five days ahead at 14:30, refundable until 48 h before: the refund is proposed first until then.
  await shown(`Ce rendez-vous a été payé. Vos conditions : remboursable jusqu’au ${practiceDay(-3).fr} à 14:30`);
  const choices = await labels(page);
  const refund = choices.findIndex((l) => l.startsWith('Annuler et rembourser 80,00\u00A0€'));
  const keep = choices.findIndex((l) => l.startsWith('Annuler et conserver 80,00\u00A0€'));
  assert.ok(refund >= 0 && keep >= 0, choices.join(' | '));
  assert.ok(refund < keep, 'the terms\' answer first');
  assert.ok(!choices.includes('Lien pour le solde envoyé au patient par e-mail :'), 'the paid balance link is gone');
  await page.screenshot({ path: path.join(resultsDir, 'appointment-cancel-choice.png') });
  await click(page, 'Ne pas annuler');
  assert.equal((await query(page, { cmd: 'appointment.list', patient_id: p })).result.items[0].status, 'confirmed');
});

test('a tampered link shows nothing of any clinic; a cancelled one says so', async () => {
  const tampered = links.url.slice(0, -1) + (links.url.endsWith('A') ? 'B' : 'A');
  const phone = await openLink(tampered);
  await phone.getByRole('heading', { name: 'Lien de paiement non valide' }).waitFor();
  assert.ok(!(await phone.locator('body').innerText()).includes('Dupré'));

  const p = (await exec(page, { cmd: 'patient.create', id: 'pp-p3', name: 'Zoé Lambert' })).result.patient_id;
  await exec(page, { cmd: 'invoice.create', id: 'pp-inv-3', patient_id: p, lines: [{ label: 'Bilan', unit_price: 5000 }] });
  const number = (await exec(page, { cmd: 'invoice.issue', id: 'pp-iss-3', invoice_id: 'pp-inv-3' })).result.number;
  // From the invoice's own page: « Demande de paiement » opens the form with that invoice alone.
  await click(page, 'Factures');
  await click(page, `${number}##open-pp-inv-3`);
  await click(page, 'Demande de paiement');
  const boxes = (await page.evaluate(() => window.quittance.ui())).filter((w) => w.kind === 'checkbox' && w.key.includes('##request-invoice-'));
  assert.deepEqual(boxes.map((w) => [w.key.endsWith('pp-inv-3'), w.checked]), [[true, true]]);
  await click(page, 'Créer le lien de paiement');
  const created = (await query(page, { cmd: 'payment_request.list', patient_id: p })).result.items;
  assert.equal(created.length, 1);
  await click(page, 'Demandes de paiement');
  await click(page, 'Annuler la demande');
  await settle(page);
  assert.ok((await labels(page)).some((l) => l.includes('Annulée')), (await labels(page)).join(' | '));
  await synced();
  await phone.goto(new URL(created[0].path, env.url).href);
  await phone.getByRole('heading', { name: 'Demande de paiement annulée' }).waitFor();

  // Paid at the desk before the patient opened the link: settled, with no « 0,00 € » to read.
  await exec(page, { cmd: 'invoice.create', id: 'pp-inv-3b', patient_id: p, lines: [{ label: 'Séance', unit_price: 4500 }] });
  await exec(page, { cmd: 'invoice.issue', id: 'pp-iss-3b', invoice_id: 'pp-inv-3b' });
  await exec(page, { cmd: 'payment_request.create', id: 'pp-req-3b', patient_id: p, invoice_ids: ['pp-inv-3b'], token: 'D'.repeat(43) });
  const desk = await exec(page, { cmd: 'payment.create', id: 'pp-pay-3b', patient_id: p, payment_type_id: 'cheque',
    amount: 4500, allocations: [{ invoice_id: 'pp-inv-3b', amount: 4500 }] });
  assert.equal(desk.ok, true, JSON.stringify(desk));
  await synced();
  await phone.goto(new URL('/pay/' + 'D'.repeat(43), env.url).href);
  await phone.getByRole('heading', { name: 'Merci, votre paiement a été reçu' }).waitFor();
  const text = await phone.locator('body').innerText();
  assert.ok(text.includes('Cette facture est réglée.'), text);
  assert.ok(!text.includes('0,00'), text);
  await phone.close();
});

test('axe-core finds no serious or critical problem on the payment page', async () => {
  // axe is injected as a script, which the page's CSP rightly refuses: this one context
  // bypasses it (the CSP itself is checked above, with no violation reported).
  const axeContext = await launch(newProfile(), { viewport: { width: 390, height: 844 }, bypassCSP: true });
  try {
    const phone = await axeContext.newPage();
    const p = (await exec(page, { cmd: 'patient.create', id: 'pp-p4', name: 'Inès Marchand', email: 'ines@example.fr' })).result.patient_id;
    await exec(page, { cmd: 'invoice.create', id: 'pp-inv-4', patient_id: p, lines: [{ label: 'Séance', unit_price: 4000 }] });
    await exec(page, { cmd: 'invoice.issue', id: 'pp-iss-4', invoice_id: 'pp-inv-4' });
    await exec(page, { cmd: 'payment_request.create', id: 'pp-req-4', patient_id: p, invoice_ids: ['pp-inv-4'], token: 'Y'.repeat(43), save_card: true });
    await synced();
    await phone.goto(new URL('/pay/' + 'Y'.repeat(43), env.url).href);
    await loaded(phone);
    await phone.addScriptTag({ content: axeSource });
    const result = await phone.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.help}`), []);
  } finally {
    await axeContext.close();
  }
});
