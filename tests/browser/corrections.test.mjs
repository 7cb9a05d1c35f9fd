// Seed 000's corrections, clicked: « Émettre un avoir » against an invoice then « Appliquer un
// avoir » in « Payer »; « Modifier » and « Supprimer » a payment with a reason; « Rembourser »
// a cash payment. Amounts and statuses are then checked through query().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { appSession, click, settle, labels, resultsDir, exec, query, type } from './harness.mjs';

const app = appSession();
let page;
before(async () => {
  await app.start();
  page = app.page;
});
after(app.stop);



async function openPatient(name, id) {
  await click(page, 'Patients');
  await type(page, 'Rechercher un patient', name.slice(0, 4));
  await click(page, `${name}##patient-${id}`);
}

let n = 0;
async function patientWithInvoice(name, amount) {
  ++n;
  const p = (await exec(page, { cmd: 'patient.create', id: `corr-p-${n}`, name })).result.patient_id;
  await exec(page, { cmd: 'invoice.create', id: `corr-inv-${n}`, patient_id: p, lines: [{ label: 'Séance', unit_price: amount }] });
  const number = (await exec(page, { cmd: 'invoice.issue', id: `corr-iss-${n}`, invoice_id: `corr-inv-${n}` })).result.number;
  return { p, invoice: `corr-inv-${n}`, number };
}

test('« Émettre un avoir » on an invoice, then « Appliquer un avoir » pays it', async () => {
  const { p, invoice, number } = await patientWithInvoice('Bérénice Faure', 6000);
  await openPatient('Bérénice Faure', p);
  await click(page, 'Émettre un avoir');
  await click(page, 'Facture corrigée (facultatif)');
  await click(page, (await labels(page)).find((l) => l.startsWith(number)));
  await type(page, 'Libellé', 'Séance facturée deux fois');
  await type(page, '##price-1', '60');
  await type(page, 'Note (imprimée sur l’avoir)', 'Avoir sur la facture du 21/11');
  await type(page, 'Note interne (non imprimée)', 'Erreur de saisie à l’accueil');
  await page.screenshot({ path: path.join(resultsDir, 'credit-note-editor.png') });
  await click(page, 'Émettre l’avoir');
  const notes = (await query(page, { cmd: 'credit_note.list', patient_id: p })).result.items;
  assert.equal(notes.length, 1);
  assert.equal(notes[0].total, 6000);
  assert.match(notes[0].number, /^AV-\d{4}-A-\d{6}$/);
  assert.equal(notes[0].internal_note, 'Erreur de saisie à l’accueil');

  // Its PDF, from the patient's « Avoirs » tab: it names the invoice it corrects.
  await click(page, 'Avoirs');
  const [file] = await Promise.all([page.waitForEvent('download'),
    click(page, `Télécharger le PDF##credit-note-pdf-${notes[0].number}`)]);
  assert.equal(file.suggestedFilename(), `Avoir ${notes[0].number}.pdf`);
  const saved = path.join(resultsDir, 'credit-note.pdf');
  await file.saveAs(saved);
  const text = execFileSync('pdftotext', ['-layout', saved, '-']).toString().replace(/[\u00A0\u202F]/g, ' ');
  for (const expected of ['AVOIR', `N° ${notes[0].number}`, `Avoir sur la facture N° ${number}`, 'Bérénice Faure',
    'Séance facturée deux fois', 'Montant de l’avoir', '60,00 €', 'Avoir sur la facture du 21/11']) {
    assert.ok(text.includes(expected), `"${expected}" not in the PDF:\n${text}`);
  }
  assert.ok(!text.includes('Erreur de saisie'), 'the internal note is printed');
  execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', saved, path.join(resultsDir, 'credit-note-pdf')]);

  await click(page, 'Factures');
  await click(page, `Payer##pay-${number}`);
  await click(page, 'Type de paiement');
  await click(page, 'Appliquer un avoir##type-credit_note');
  await click(page, (await labels(page)).find((l) => l.startsWith(notes[0].number)));
  await click(page, 'Soumettre');
  assert.equal((await query(page, { cmd: 'invoice.get', invoice_id: invoice })).result.status, 'paid');
});

test('a payment is corrected with a reason (« Modifier »), then deleted (« Supprimer »): the invoice follows', async () => {
  const { p, invoice } = await patientWithInvoice('François Crête', 5000);
  const paid = await exec(page, { cmd: 'payment.create', id: 'corr-pay-1', patient_id: p, payment_type_id: 'cheque',
    amount: 5000, reference: 'Chèque 1234', allocations: [{ invoice_id: invoice, amount: 5000 }] });
  assert.equal(paid.ok, true);
  await openPatient('François Crête', p);
  await click(page, 'Paiements et acomptes');
  await click(page, 'Modifier##edit-payment-corr-pay-1');
  await type(page, 'Montant', '30');
  await click(page, 'Enregistrer la modification');
  assert.ok((await labels(page)).includes('Indiquez le motif de la correction.'));
  await type(page, 'Motif de la correction', 'Chèque de 30 € seulement');
  await page.screenshot({ path: path.join(resultsDir, 'payment-edit.png') });
  await click(page, 'Enregistrer la modification');
  let inv = (await query(page, { cmd: 'invoice.get', invoice_id: invoice })).result;
  assert.equal(inv.status, 'partly_paid');
  assert.equal(inv.due, 2000);

  await click(page, 'Supprimer##delete-payment-corr-pay-1');
  await type(page, 'Motif de la correction', 'Chèque refusé par la banque');
  await click(page, 'Supprimer le paiement##edit-submit');
  inv = (await query(page, { cmd: 'invoice.get', invoice_id: invoice })).result;
  assert.equal(inv.status, 'due');
  const journal = (await query(page, { cmd: 'journal.list' })).result.items.map((e) => e.name);
  assert.ok(journal.includes('payment.update') && journal.includes('payment.delete'), journal.join(', '));
  assert.ok((await labels(page)).some((l) => l.endsWith('(supprimé)')), (await labels(page)).join(' | '));
});

test('« Rembourser » a cash deposit: recorded as a cash refund, the credit goes down', async () => {
  const p = (await exec(page, { cmd: 'patient.create', id: 'corr-p-cash', name: 'Zoé Lefèvre' })).result.patient_id;
  await exec(page, { cmd: 'payment.create', id: 'corr-deposit', patient_id: p, payment_type_id: 'cash', amount: 8000 });
  await openPatient('Zoé Lefèvre', p);
  await click(page, 'Paiements et acomptes');
  await click(page, 'Rembourser##refund-corr-deposit');
  const shown = await labels(page);
  assert.ok(shown.some((l) => l.startsWith('Rendez l’argent au patient')), shown.join(' | '));
  assert.ok(shown.includes('Remboursé par'), shown.join(' | '));
  await type(page, 'Montant', '30');
  await click(page, 'Rembourser##refund-submit');
  assert.ok((await labels(page)).includes('Indiquez le motif du remboursement.'));
  await type(page, 'Motif', 'Séances annulées');
  await click(page, 'Rembourser##refund-submit');
  const balance = (await query(page, { cmd: 'patient.balance', patient_id: p })).result;
  assert.equal(balance.refunded, 3000);
  assert.equal(balance.credit, 5000);
});
