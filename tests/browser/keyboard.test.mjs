// The keyboard, as the issue asks: Ctrl+F focuses the search, Tab then Enter flow through the
// « Payer » dialog, Escape closes it; accented text typed arrives intact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appSession, click, settle, labels, exec, query } from './harness.mjs';

const app = appSession();
let page;
before(async () => {
  await app.start();
  page = app.page;
});
after(app.stop);


test('Ctrl+F then typing searches patients; Tab, amount, Enter pays; Escape closes the dialog', async () => {
  await exec(page, { cmd: 'patient.create', id: 'kb-1', name: 'Chloé Bernard' });
  await exec(page, { cmd: 'patient.create', id: 'kb-2', name: 'Éloïse Dupré' });
  await click(page, 'Patients');
  await page.keyboard.press('Control+F');
  await settle(page);
  await page.keyboard.type('éloï');
  await settle(page);
  let shown = await labels(page);
  assert.ok(shown.includes('Éloïse Dupré') && !shown.includes('Chloé Bernard'), shown.join(' | '));

  await exec(page, { cmd: 'invoice.create', id: 'kb-inv', patient_id: 'kb-2', lines: [{ label: 'Séance', unit_price: 4500 }] });
  const number = (await exec(page, { cmd: 'invoice.issue', id: 'kb-iss', invoice_id: 'kb-inv' })).result.number;
  await click(page, 'Factures');
  await click(page, `Payer##pay-${number}`);
  await page.keyboard.press('Escape');
  await settle(page);
  assert.ok(!(await labels(page)).includes(`Payer la facture ${number}`), 'Escape closes the dialog');

  await click(page, `Payer##pay-${number}`);
  await click(page, 'Date du paiement');
  await page.keyboard.press('Tab');  // to the payment type (Tab goes through every widget)
  await page.keyboard.press('Tab');  // to the amount, prefilled with what is due
  await page.keyboard.press('Control+A');
  await page.keyboard.type('20');
  await page.keyboard.press('Enter');
  await settle(page);
  const invoice = (await query(page, { cmd: 'invoice.get', invoice_id: 'kb-inv' })).result;
  assert.equal(invoice.status, 'partly_paid');
  assert.equal(invoice.due, 2500);
  shown = await labels(page);
  assert.ok(!shown.includes(`Payer la facture ${number}`), shown.join(' | '));
});
