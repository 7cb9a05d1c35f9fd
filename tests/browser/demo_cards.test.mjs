// The demo with no backend (?demo): card features work against the server played in the page,
// and every place that shows them says « démonstration ».
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { click, findOnScreen, labels, launch, newProfile, openApp, resultsDir, settle, startServer, exec, query } from './harness.mjs';

let server, context, page;
before(async () => {
  server = await startServer();  // only serves the files: the demo never calls /api/
  context = await launch(newProfile());
  ({ page } = await openApp(context, `${server.url}?demo`));
});
after(async () => {
  await context?.close();
  await server?.stop();
});


test('a simulated card is saved and charged, labelled « démonstration », and nothing reaches a server', async () => {
  const requests = [];
  page.on('request', (r) => { if (r.url().includes('/api/')) requests.push(r.url()); });
  const p = (await exec(page, { cmd: 'patient.create', id: 'demo-p', name: 'Anaïs Bréhat' })).result.patient_id;
  await exec(page, { cmd: 'invoice.create', id: 'demo-inv', patient_id: p, lines: [{ label: 'Séance', unit_price: 5000 }] });
  const number = (await exec(page, { cmd: 'invoice.issue', id: 'demo-iss', invoice_id: 'demo-inv' })).result.number;
  await settle(page);
  assert.ok((await labels(page)).some((l) => l.startsWith('Serveur : démonstration')), (await labels(page)).join(' | '));

  await click(page, 'Patients');
  await click(page, `Anaïs Bréhat##patient-${p}`);
  await click(page, 'Enregistrer une carte');
  await settle(page);
  const card = (await labels(page)).find((l) => l.startsWith('Carte enregistrée : '));
  assert.equal(card, 'Carte enregistrée : Visa •••• 4242 (12/2030) — carte simulée (démonstration)');

  await click(page, 'Factures');
  await click(page, `Payer##pay-${number}`);
  await click(page, 'Type de paiement');
  await click(page, (await labels(page)).find((l) => l.startsWith('Débiter la carte')));
  assert.ok((await labels(page)).includes('Démonstration : le paiement est simulé, aucune carte n’est débitée.'));
  await page.screenshot({ path: path.join(resultsDir, 'demo-pay-card.png') });
  await click(page, 'Soumettre');
  assert.equal((await query(page, { cmd: 'invoice.get', invoice_id: 'demo-inv' })).result.status, 'paid');
  assert.deepEqual(requests, []);
});

test('a payment link in the demo: « Simuler le paiement (démonstration) » plays the patient, the invoice is paid', async () => {
  const p = (await exec(page, { cmd: 'patient.create', id: 'demo-link-p', name: 'Loïc Prévost' })).result.patient_id;
  await exec(page, { cmd: 'invoice.create', id: 'demo-link-inv', patient_id: p, lines: [{ label: 'Séance', unit_price: 4200 }] });
  await exec(page, { cmd: 'invoice.issue', id: 'demo-link-iss', invoice_id: 'demo-link-inv' });
  await click(page, 'Patients');
  await click(page, `Loïc Prévost##patient-${p}`);
  await click(page, 'Demander un paiement en ligne');
  await click(page, 'Créer le lien de paiement');
  await click(page, 'Demandes de paiement');
  await findOnScreen(page, (shown) => shown.some((l) => l.startsWith('Démonstration : ces liens ne mènent à aucune page')));
  await click(page, await findOnScreen(page, (shown) => shown.find((l) => l.startsWith('Simuler le paiement'))));
  for (let i = 0; i < 50 && (await query(page, { cmd: 'invoice.get', invoice_id: 'demo-link-inv' })).result.status !== 'paid'; i++) {
    await page.waitForTimeout(100);
  }
  assert.equal((await query(page, { cmd: 'invoice.get', invoice_id: 'demo-link-inv' })).result.status, 'paid');
  await settle(page);
  assert.ok((await labels(page)).some((l) => l.includes('Payée')), (await labels(page)).join(' | '));
});
