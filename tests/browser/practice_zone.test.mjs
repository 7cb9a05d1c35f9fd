// The practice's time zone and its FEC, played by clicks on a device whose clock is set
// elsewhere: the device in Kiribati (UTC+14), the practice in Tahiti (UTC-10), so their
// calendar dates always differ by a day and every « today » shows which zone the app follows.
// Then the receipts' FEC downloaded from « Exports » and read by the independent validator,
// and an account of « Comptes du FEC » changed by hand, then the proposed ones restored.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  click, launch, newProfile, openApp, putOffNotices, query, resultsDir, startServer, type, waitForLabels,
} from './harness.mjs';
import { validateFec } from '../fec/validate_fec.mjs';

let server, context, page;
before(async () => {
  server = await startServer();
  context = await launch(newProfile(), { timezoneId: 'Pacific/Kiritimati' });
  ({ page } = await openApp(context, server.url));
});
after(async () => {
  await context?.close();
  await server?.stop();
});

// Today in `zone`, "2026-12-07", as the system's tz database says (not the app's).
const todayIn = (zone) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
const frDate = (iso) => iso.split('-').reverse().join('/');

test("a Tahiti practice on a device set to Kiribati: today is Tahiti's, in the app and its documents", async () => {
  await putOffNotices(page);
  const ask = async (cmd) => {
    const answer = await query(page, cmd);
    assert.equal(answer.ok, true, JSON.stringify(answer));
    return answer.result;
  };
  assert.notEqual(todayIn('Pacific/Tahiti'), todayIn('Pacific/Kiritimati'));

  await click(page, 'Paramètres');
  await click(page, 'Fuseau horaire du cabinet');
  await click(page, 'Polynésie française (Tahiti)##zone-Pacific/Tahiti');
  assert.equal((await ask({ cmd: 'settings.list' }))['practice.time_zone'], 'Pacific/Tahiti');
  // The drop-down tells a screen reader the zone by its French name.
  const combo = page.locator('[aria-label="Fuseau horaire du cabinet"]');
  await combo.waitFor({ state: 'attached' });
  assert.match(await combo.evaluate((e) => e.outerHTML), /Polynésie française \(Tahiti\)/);
  await page.screenshot({ path: path.join(resultsDir, 'practice-zone-settings.png') });

  // An invoice issued and paid now is dated in Tahiti; the payment dialog offers that date.
  await click(page, 'Patients');
  await click(page, 'Nouveau patient');
  await type(page, 'Prénom', 'Hinano');
  await type(page, 'Nom', 'Teriierooiterai');
  await click(page, 'Créer le patient');
  await click(page, 'Nouvelle facture');
  await type(page, 'Libellé', 'Séance de kinésithérapie');
  await type(page, '##price-1', '45');
  await click(page, 'Émettre');
  const patient = (await ask({ cmd: 'patient.list', search: 'teriierooiterai' })).items[0];
  const invoice = (await ask({ cmd: 'invoice.list', patient_id: patient.patient_id })).items[0];
  const tahiti = todayIn('Pacific/Tahiti');
  assert.equal(invoice.issued_on, tahiti, 'the invoice is dated on the practice calendar');
  await click(page, `Payer##pay-${invoice.number}`);
  await waitForLabels(page, [frDate(tahiti)]);
  await click(page, 'Type de paiement');
  await click(page, 'Espèces##type-cash');
  await click(page, 'Soumettre');
  const payments = (await ask({ cmd: 'payment.list', patient_id: patient.patient_id })).items;
  assert.equal(payments[0].paid_on, tahiti);
});

test('the receipts FEC from « Exports », valid for the validator; an account changed by hand', async () => {
  const exec = (cmd) => page.evaluate((c) => window.quittance.exec(c), cmd);
  assert.equal((await exec({ cmd: 'settings.set', id: 'siret', key: 'practice.siret', value: '812 345 676 00017' })).ok, true);
  await click(page, 'Paramètres');
  await click(page, 'Exports et sauvegarde');
  await click(page, 'Année en cours');
  await click(page, 'Comptes du FEC…');
  await type(page, 'Trésorerie : Espèces', '531000');
  await click(page, 'Enregistrer les comptes');
  await waitForLabels(page, ['Comptes enregistrés.']);
  await page.screenshot({ path: path.join(resultsDir, 'fec-exports.png') });

  const year = todayIn('Pacific/Tahiti').slice(0, 4);
  const [file] = await Promise.all([page.waitForEvent('download'), click(page, 'Télécharger le FEC des recettes (BNC)')]);
  assert.equal(file.suggestedFilename(), `812345676FEC${year}1231.txt`);
  const saved = path.join(resultsDir, file.suggestedFilename());
  await file.saveAs(saved);
  const bytes = readFileSync(saved);
  const result = validateFec(bytes, { fileName: file.suggestedFilename(), siren: '812345676', yearEnd: `${year}1231` });
  assert.deepEqual(result.problems, []);
  assert.equal(result.summary.entries, 1);
  assert.equal(result.summary.debit, 4500);
  const text = bytes.toString('utf8');
  assert.match(text, /\t531000\tCaisse\t/);
  assert.match(text, /\tEspèces\tHonoraires\tHinano Teriierooiterai\r\n/);
  await waitForLabels(page, [`Fichier téléchargé : 812345676FEC${year}1231.txt (1 écritures).`]);

  // Back to the proposed accounts: the setting emptied, the cash account 530000 again.
  await click(page, 'Revenir aux comptes proposés');
  await waitForLabels(page, ['Comptes proposés rétablis.']);
  assert.equal((await page.evaluate(() => window.quittance.query({ cmd: 'settings.get', key: 'accounting.accounts' }))).result, '');
  const chart = (await page.evaluate(() => window.quittance.query({ cmd: 'accounting.chart' }))).result;
  assert.equal(chart.methods.find((m) => m.payment_type_id === 'cash').account, '530000');
});
