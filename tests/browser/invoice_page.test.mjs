// The invoice page and « Facturé à », clicked: a payer added on the patient page and chosen in
// the editor; a draft opened from its row, edited and issued; the invoice's « Paiements »
// section correcting a payment (« Modifier », « Supprimer », with a reason); « Annuler la
// facture » with a reason. Amounts, statuses and recipients are checked through query().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { appSession, click, labels, practiceDay, resultsDir, query, run, type } from './harness.mjs';

const app = appSession();
let page;
before(async () => {
  await app.start();
  page = app.page;
});
after(app.stop);

const result = async (promise) => {
  const answer = await promise;
  assert.equal(answer.ok, true, JSON.stringify(answer));
  return answer.result;
};
const invoice = (id) => result(query(page, { cmd: 'invoice.get', invoice_id: id }));

async function openPatient(name, id) {
  await click(page, 'Patients');
  await type(page, 'Rechercher un patient', name.slice(0, 4));
  await click(page, `${name}##patient-${id}`);
}

test('a payer « Facturé à » chosen in the editor; a draft reopened from its row, changed and issued', async () => {
  const p = (await run(page, { cmd: 'patient.create', id: 'p-hugo', name: 'Hugo Lambert' })).patient_id;
  await openPatient('Hugo Lambert', p);
  await click(page, 'Ajouter un payeur');
  await type(page, 'Nom du payeur', 'Claire Lambert');
  await type(page, 'Lien avec le patient (ex. : mère, mutuelle)', 'mère');
  await type(page, 'E-mail du payeur', 'claire.lambert@example.fr');
  await click(page, 'Enregistrer le payeur');
  assert.ok((await labels(page)).includes('Facturé à : Hugo Lambert, Claire Lambert (mère)'));
  const contact = (await result(query(page, { cmd: 'patient.get', patient_id: p }))).contacts[0];
  assert.equal(contact.email, 'claire.lambert@example.fr');

  await click(page, 'Nouvelle facture');
  await click(page, 'Facturé à');
  await click(page, `Claire Lambert (mère)##billed-${contact.contact_id}`);
  await type(page, 'Libellé', 'Bilan orthophonique');
  await type(page, '##price-1', '80');
  await click(page, 'Enregistrer le brouillon');
  const draft = (await result(query(page, { cmd: 'invoice.list', patient_id: p }))).items[0];
  assert.equal(draft.status, 'draft');

  await click(page, `Brouillon##open-${draft.invoice_id}`);
  let shown = await labels(page);
  assert.ok(shown.includes('Brouillon de facture'), shown.join(' | '));
  assert.ok(shown.includes('Facturé à : Claire Lambert (mère)'), shown.join(' | '));
  assert.ok(shown.includes('Bilan orthophonique'));
  await click(page, 'Modifier le brouillon');
  await type(page, '##price-1', '85');
  await click(page, 'Émettre');
  const issued = await invoice(draft.invoice_id);
  assert.equal(issued.status, 'due');
  assert.equal(issued.total, 8500);
  assert.equal(issued.contact_id, contact.contact_id, 'the payer is kept through the edit');
  assert.equal(issued.lines.length, 1);
});

test('the invoice’s « Paiements »: a payment lowered then deleted with a reason; the invoice cancelled', async () => {
  const p = (await run(page, { cmd: 'patient.create', id: 'p-ines', name: 'Inès Caron' })).patient_id;
  await run(page, { cmd: 'invoice.create', id: 'inv-ines', patient_id: p, lines: [{ label: 'Séance', unit_price: 6000 }] });
  const { number } = await run(page, { cmd: 'invoice.issue', id: 'iss-ines', invoice_id: 'inv-ines' });
  await run(page, { cmd: 'payment.create', id: 'pay-ines', patient_id: p, payment_type_id: 'cheque', amount: 6000,
                            allocations: [{ invoice_id: 'inv-ines', amount: 6000 }] });

  await click(page, 'Factures');
  await click(page, `${number}##open-inv-ines`);
  let shown = await labels(page);
  assert.ok(shown.includes(`Facture ${number}`), shown.join(' | '));
  assert.ok(shown.includes('Statut : Payée'));
  await page.screenshot({ path: path.join(resultsDir, 'invoice-page.png') });

  await click(page, 'Modifier##edit-allocation-1');
  await type(page, 'Montant', '40');
  await type(page, 'Motif de la correction', 'Chèque de 40 € et non 60 €');
  await click(page, 'Enregistrer la modification');
  assert.equal((await invoice('inv-ines')).due, 2000);
  assert.ok((await labels(page)).includes('Statut : Partiellement payée'));

  await click(page, 'Supprimer##delete-allocation-1');
  await type(page, 'Motif de la correction', 'Chèque refusé par la banque');
  await click(page, 'Supprimer le paiement');
  assert.equal((await invoice('inv-ines')).due, 6000);
  assert.ok((await labels(page)).includes('Aucun paiement sur cette facture.'));

  await click(page, 'Annuler la facture');
  await click(page, 'Confirmer l’annulation');
  shown = await labels(page);
  assert.ok(shown.some((l) => l.startsWith('Indiquez') || l.includes('motif') || l.includes('Motif')), 'a reason is required');
  await type(page, 'Motif de l’annulation', 'Séance annulée par le patient');
  await click(page, 'Confirmer l’annulation');
  const cancelled = await invoice('inv-ines');
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(cancelled.allocations[0].source_kind, 'credit_note', 'settled by its credit note');
  assert.ok((await labels(page)).includes('Statut : Annulée'));
  await page.screenshot({ path: path.join(resultsDir, 'invoice-cancelled.png') });
});

test('« Télécharger le PDF » gives the invoice as a PDF, made in the page', async () => {
  for (const [key, value] of [['practice.name', 'Cabinet de kinésithérapie Dupré'],
    ['practice.address', '12 rue de l’Église\n69001 Lyon'], ['practice.siret', '12345678901234']]) {
    await run(page, { cmd: 'settings.set', id: `pdf-${key.replace('.', '-')}`, key, value });
  }
  const p = (await run(page, { cmd: 'patient.create', id: 'p-pdf', name: 'Hélène Crête',
    address: '4 avenue Foch\n69006 Lyon' })).patient_id;
  await run(page, { cmd: 'invoice.create', id: 'inv-pdf', patient_id: p,
    lines: [{ label: 'Séance d’ostéopathie', unit_price: 6500 }] });
  const { number } = await run(page, { cmd: 'invoice.issue', id: 'iss-pdf', invoice_id: 'inv-pdf' });
  await click(page, 'Factures');
  await click(page, `${number}##open-inv-pdf`);
  const [file] = await Promise.all([page.waitForEvent('download'), click(page, 'Télécharger le PDF')]);
  assert.equal(file.suggestedFilename(), `Facture ${number}.pdf`);
  const saved = path.join(resultsDir, 'invoice.pdf');
  await file.saveAs(saved);
  const text = execFileSync('pdftotext', ['-layout', saved, '-']).toString().replace(/[\u00A0\u202F]/g, ' ');
  for (const expected of ['Cabinet de kinésithérapie Dupré', 'SIRET : 12345678901234', 'FACTURE', `N° ${number}`,
    'Hélène Crête', '4 avenue Foch', 'Séance d’ostéopathie', '65,00 €', 'Reste dû']) {
    assert.ok(text.includes(expected), `"${expected}" not in the PDF:\n${text}`);
  }
  execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', saved, path.join(resultsDir, 'invoice-pdf')]);
});

test('« Reçu (facture acquittée) » on a paid invoice: the receipt a patient sends their mutuelle', async () => {
  const p = (await run(page, { cmd: 'patient.create', id: 'p-receipt', name: 'Inès Roux' })).patient_id;
  await run(page, { cmd: 'invoice.create', id: 'inv-receipt', patient_id: p,
    lines: [{ label: 'Séance de psychothérapie', unit_price: 6000 }] });
  const { number } = await run(page, { cmd: 'invoice.issue', id: 'iss-receipt', invoice_id: 'inv-receipt' });
  await click(page, 'Factures');
  await click(page, `${number}##open-inv-receipt`);
  assert.ok(!(await labels(page)).includes('Reçu (facture acquittée)'), 'no receipt before it is paid');
  await run(page, { cmd: 'payment.create', id: 'pay-receipt', patient_id: p, payment_type_id: 'transfer', amount: 6000,
    allocations: [{ invoice_id: 'inv-receipt', amount: 6000 }] });
  const [file] = await Promise.all([page.waitForEvent('download'), click(page, 'Reçu (facture acquittée)')]);
  assert.equal(file.suggestedFilename(), `Reçu ${number}.pdf`);
  const saved = path.join(resultsDir, 'receipt.pdf');
  await file.saveAs(saved);
  const text = execFileSync('pdftotext', ['-layout', saved, '-']).toString().replace(/[\u00A0\u202F]/g, ' ');
  for (const expected of ['FACTURE ACQUITTÉE', `N° ${number}`, 'Inès Roux', 'Séance de psychothérapie', '60,00 €',
    'Acquittée le', 'par Virement.']) {
    assert.ok(text.includes(expected), `"${expected}" not in the receipt:\n${text}`);
  }
  execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', saved, path.join(resultsDir, 'receipt-pdf')]);
});

test('« Attestation de paiement » on a patient\'s payments: the year\'s payments and acts, for the mutuelle', async () => {
  const year = practiceDay().year;
  const p = (await run(page, { cmd: 'patient.create', id: 'p-attest', title: 'Mme', first_name: 'Agathe',
    last_name: 'Morel' })).patient_id;
  await run(page, { cmd: 'invoice.create', id: 'inv-attest', patient_id: p,
    lines: [{ label: 'Consultation diététique', unit_price: 5500 }] });
  await run(page, { cmd: 'invoice.issue', id: 'iss-attest', invoice_id: 'inv-attest' });
  await run(page, { cmd: 'payment.create', id: 'pay-attest', patient_id: p, payment_type_id: 'cheque', amount: 5500,
    allocations: [{ invoice_id: 'inv-attest', amount: 5500 }] });
  await openPatient('Agathe Morel', p);
  await click(page, 'Paiements et acomptes');
  const [file] = await Promise.all([page.waitForEvent('download'), click(page, `Attestation de paiement ${year}`)]);
  assert.equal(file.suggestedFilename(), `Attestation de paiement ${year}.pdf`);
  const saved = path.join(resultsDir, 'attestation.pdf');
  await file.saveAs(saved);
  // One line of words: the attestation's sentence wraps where the page's width says.
  const text = execFileSync('pdftotext', ['-layout', saved, '-']).toString().replace(/[\s\u00A0\u202F]+/g, ' ');
  for (const expected of ['ATTESTATION DE PAIEMENT', `Année ${year}`, 'Mme Agathe Morel', 'la somme de 55,00 €',
    'Consultation diététique', 'Chèque', `Total réglé en ${year}`, 'Signature et cachet']) {
    assert.ok(text.includes(expected), `"${expected}" not in the attestation:\n${text}`);
  }
  execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', saved, path.join(resultsDir, 'attestation-pdf')]);

  // The statement of account, from the same tab: the invoice, the cheque, a settled account.
  const [statement] = await Promise.all([page.waitForEvent('download'), click(page, 'Relevé de compte (PDF)')]);
  assert.match(statement.suggestedFilename(), /^Relevé de compte \d{4}-\d\d-\d\d\.pdf$/);
  const statementFile = path.join(resultsDir, 'statement.pdf');
  await statement.saveAs(statementFile);
  const words = execFileSync('pdftotext', ['-layout', statementFile, '-']).toString().replace(/[\s\u00A0\u202F]+/g, ' ');
  for (const expected of ['RELEVÉ DE COMPTE', 'Mme Agathe Morel', 'Paiement – Chèque', 'Compte soldé au']) {
    assert.ok(words.includes(expected), `"${expected}" not in the statement:\n${words}`);
  }
  execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', statementFile, path.join(resultsDir, 'statement-pdf')]);
});
