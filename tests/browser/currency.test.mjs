// A practice in French Polynesia counts in CFP francs (XPF, no decimals), played by clicks: the
// currency chosen in « Cabinet », an invoice of 5 000 XPF typed as « 5 000 », a payment, a
// refused « 1 500,50 », the PDF, and the currency fixed once the books hold a document.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  appSession, click, labels, putOffNotices, query, resultsDir, type, waitForLabels,
} from './harness.mjs';

const app = appSession();
before(app.start);
after(app.stop);

// "5 000 XPF" as the interface writes it: a narrow no-break space between thousands, a
// no-break space before the code.
const xpf = (n) => `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202F')}\u00A0XPF`;

test('an XPF practice: chosen before the first invoice, typed and shown without cents, on the PDF, then fixed', async () => {
  const { page } = app;
  await putOffNotices(page);
  const ask = async (cmd) => {
    const answer = await query(page, cmd);
    assert.equal(answer.ok, true, JSON.stringify(answer));
    return answer.result;
  };

  await click(page, 'Paramètres');
  await click(page, 'Franc Pacifique (XPF)');
  assert.equal((await ask({ cmd: 'settings.list' }))['practice.currency'], 'XPF');
  await type(page, 'Nom du cabinet', 'Cabinet Tiare');
  await click(page, 'Enregistrer');

  await click(page, 'Patients');
  await click(page, 'Nouveau patient');
  await type(page, 'Prénom', 'Teva');
  await type(page, 'Nom', 'Tehei');
  await click(page, 'Créer le patient');
  const teva = (await ask({ cmd: 'patient.list', search: 'tehei' })).items[0];

  // 5 000 XPF typed the way it is written.
  await click(page, 'Nouvelle facture');
  await type(page, 'Libellé', 'Séance d’ostéopathie');
  await type(page, '##price-1', '5 000');
  await click(page, 'Émettre');
  const invoice = (await ask({ cmd: 'invoice.list', patient_id: teva.patient_id })).items[0];
  assert.equal(invoice.total, 5000);
  assert.equal(invoice.currency, 'XPF');
  await waitForLabels(page, [xpf(5000)]);
  const due = async () => (await ask({ cmd: 'invoice.get', invoice_id: invoice.invoice_id })).due;

  // The payment dialog offers the due as « 5000 »; cents are refused, never rounded.
  await click(page, `Payer##pay-${invoice.number}`);
  await click(page, 'Type de paiement');
  await click(page, 'Espèces##type-cash');
  await type(page, 'Montant', '1 500,50');
  await click(page, 'Soumettre');
  await waitForLabels(page, ['Montant invalide : saisissez par exemple 45.']);
  assert.equal(await due(), 5000);
  await type(page, 'Montant', '2 000');
  await page.screenshot({ path: path.join(resultsDir, 'currency-xpf-pay.png') });
  await click(page, 'Soumettre');
  assert.equal(await due(), 3000);
  await waitForLabels(page, [xpf(3000)]);
  assert.ok(!(await labels(page)).some((l) => l.includes('€')), 'no amount in euros on the patient page');

  // The PDF says the same.
  await click(page, 'Factures');
  await click(page, `${invoice.number}##open-${invoice.invoice_id}`);
  const [file] = await Promise.all([page.waitForEvent('download'), click(page, 'Télécharger le PDF')]);
  const saved = path.join(resultsDir, 'invoice-xpf.pdf');
  await file.saveAs(saved);
  const text = execFileSync('pdftotext', ['-layout', saved, '-']).toString().replace(/[\u00A0\u202F]/g, ' ');
  for (const expected of ['Cabinet Tiare', 'Teva Tehei', 'Séance d’ostéopathie', '5 000 XPF', '2 000 XPF', '3 000 XPF']) {
    assert.ok(text.includes(expected), `"${expected}" not in the PDF:\n${text}`);
  }
  assert.ok(!text.includes('€'), `no euro on the PDF:\n${text}`);

  // Documents exist: the currency is fixed, and the settings say so.
  await click(page, 'Paramètres');
  await waitForLabels(page, ['La monnaie ne peut plus changer : le cabinet a déjà des factures ou des paiements dans cette monnaie.']);
  await page.screenshot({ path: path.join(resultsDir, 'currency-xpf-settings.png') });
  const refused = await page.evaluate(() => window.quittance.exec(
    { cmd: 'settings.set', id: 'eur-again', key: 'practice.currency', value: 'EUR' }));
  assert.equal(refused.ok, false);
  assert.equal(refused.error.code, 'currency_locked');
});
