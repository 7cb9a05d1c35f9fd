// « Paiements »: the practice's payments by period and type, counted and summed (a deleted one
// listed, not summed), and a row leading to its patient's « Paiements et acomptes » tab.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { appSession, click, euros, labels, practiceDay, resultsDir, run } from './harness.mjs';

const exec = (cmd) => run(page, cmd);

const app = appSession();
let page;
before(async () => {
  await app.start();
  page = app.page;
});
after(app.stop);

// The first day of this month and of the previous one, in the practice's calendar.
function monthStart(monthsBack) {
  const { year, month } = practiceDay();
  const first = new Date(Date.UTC(year, month - 1 - monthsBack, 1));
  return first.toISOString().slice(0, 10);
}

test('« Paiements » lists the month’s payments with their sum, filters by period and type, opens the patient', async () => {
  const lea = (await exec({ cmd: 'patient.create', id: 'p-lea', name: 'Léa Moreau' })).patient_id;
  const marc = (await exec({ cmd: 'patient.create', id: 'p-marc', name: 'Marc Durand' })).patient_id;
  const pay = (id, patient, type, amount, paid_on, reference = '') =>
    exec({ cmd: 'payment.create', id, patient_id: patient, payment_type_id: type, amount, paid_on, reference });
  await pay('pay-1', lea, 'cash', 4500, monthStart(0));
  await pay('pay-2', marc, 'cheque', 6000, monthStart(0), 'Chèque n° 1234');
  await pay('pay-3', marc, 'cheque', 3000, monthStart(0));
  await exec({ cmd: 'payment.delete', id: 'del-3', payment_id: 'pay-3', reason: 'Chèque sans provision' });
  await pay('pay-4', lea, 'transfer', 12000, monthStart(1));

  await click(page, 'Paiements');
  let shown = await labels(page);
  assert.ok(shown.includes(`3 paiements — reçu : ${euros(10500)}`), shown.join(' | '));
  assert.ok(shown.includes('Chèque n° 1234'), 'the reference is shown');
  assert.ok(shown.includes('Supprimé'), 'the deleted cheque is listed and marked');
  assert.ok(!shown.includes(euros(12000)), 'last month’s transfer is not in this month');
  await page.screenshot({ path: path.join(resultsDir, 'payments.png') });

  await click(page, 'Mois dernier');
  shown = await labels(page);
  assert.ok(shown.includes(`1 paiement — reçu : ${euros(12000)}`), shown.join(' | '));

  await click(page, 'Tout');
  await click(page, 'Type de paiement');
  await click(page, 'Chèque##type-cheque');
  shown = await labels(page);
  assert.ok(shown.includes(`2 paiements — reçu : ${euros(6000)}`), shown.join(' | '));

  await click(page, 'Voir le patient##open-payment-pay-2');
  shown = await labels(page);
  assert.ok(shown.includes('Marc Durand'), shown.join(' | '));
  assert.ok(shown.some((l) => l.includes('Chèque') && l.includes(euros(6000))), 'the payments tab is shown');
});
