// « Factures »: columns sorted by a click on their header (again: the other way), the issue
// date range « Du » / « Au », a wrong date said in French, and the count of what is shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { appSession, click, labels, resultsDir, run, type } from './harness.mjs';

const app = appSession();
let page;
before(async () => {
  await app.start();
  page = app.page;
});
after(app.stop);

const exec = (cmd) => run(page, cmd);

// The invoice numbers on screen, top to bottom.
async function numbersShown() {
  const widgets = await page.evaluate(() => window.quittance.ui());
  return widgets.filter((w) => /^F-\d{4}-A-\d{6}$/.test(w.label)).sort((a, b) => a.y - b.y).map((w) => w.label.slice(-1));
}

test('the invoices table sorts by the clicked column and filters by issue dates', async () => {
  const patients = {};
  for (const [id, name] of [['p-z', 'Zoé Lefèvre'], ['p-a', 'Anaïs Bréhat'], ['p-m', 'Marc Durand']]) {
    patients[id] = (await exec({ cmd: 'patient.create', id, name })).patient_id;
  }
  // Invoices 1, 2, 3 issued in that order; totals 60, 120, 45; Marc's partly paid.
  const issue = async (n, patient, amount, issued_on) => {
    await exec({ cmd: 'invoice.create', id: `i-${n}`, patient_id: patient, lines: [{ label: 'Séance', unit_price: amount }] });
    await exec({ cmd: 'invoice.issue', id: `i-${n}-issue`, invoice_id: `i-${n}`, issued_on });
  };
  await issue(1, patients['p-z'], 6000, '2026-09-10');
  await issue(2, patients['p-a'], 12000, '2026-10-05');
  await issue(3, patients['p-m'], 4500, '2026-11-02');
  await exec({ cmd: 'payment.create', id: 'pay-3', patient_id: patients['p-m'], payment_type_id: 'cash', amount: 4000,
               allocations: [{ invoice_id: 'i-3', amount: 4000 }] });

  await click(page, 'Factures');
  assert.deepEqual(await numbersShown(), ['3', '2', '1'], 'newest first by default');
  assert.ok((await labels(page)).includes('3 factures'));

  await click(page, 'Total');
  assert.deepEqual(await numbersShown(), ['2', '1', '3'], 'largest total first');
  await click(page, 'Total');
  assert.deepEqual(await numbersShown(), ['3', '1', '2'], 'a second click: smallest first');
  await click(page, 'Reste dû');
  assert.deepEqual(await numbersShown(), ['2', '1', '3'], 'most left to pay first (Marc owes 5,00 €)');
  await click(page, 'Patient');
  assert.deepEqual(await numbersShown(), ['2', '3', '1'], 'Anaïs, Marc, Zoé');
  await page.screenshot({ path: path.join(resultsDir, 'invoices-sorted.png') });

  await type(page, 'Du', '01/10/2026');
  await type(page, 'Au', '31/10/2026');
  assert.deepEqual(await numbersShown(), ['2'], 'October only');
  assert.ok((await labels(page)).includes('1 facture'));

  await type(page, 'Au', '31/13/2026');
  const shown = await labels(page);
  assert.ok(shown.includes('Date invalide : saisissez-la comme 21/11/2026.'), shown.join(' | '));
  assert.deepEqual(await numbersShown(), ['2', '3'], 'the wrong bound is not applied; « Du » still is');
});
