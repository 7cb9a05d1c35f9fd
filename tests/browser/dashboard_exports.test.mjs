// « Tableau de bord » and « Paramètres → Exports et sauvegarde », played by clicking: the
// dashboard's figures against dashboard.summary, a CSV for the accountant downloaded and read,
// a backup downloaded, then restored over a later change (which disappears), and files that
// are not backups refused in French with nothing changed; only the owner may restore.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { appSession, click, euros, findOnScreen, settle, labels, practiceDay, putOffNotices, resultsDir, widget, type } from './harness.mjs';

const app = appSession();
let page;
before(async () => {
  await app.start();
  page = app.page;
});
after(app.stop);

const exec = async (cmd) => {
  const answer = await page.evaluate((c) => window.quittance.exec(c), cmd);
  assert.equal(answer.ok, true, JSON.stringify(answer));
  return answer.result;
};
const query = async (cmd) => (await page.evaluate((c) => window.quittance.query(c), cmd)).result;

const daysAgo = (n) => practiceDay(n);


// Waits until a label satisfying `match` (a string or a RegExp) is on screen; returns it.
const waitForLabel = (match, timeout = 10000) => findOnScreen(page,
  (shown) => shown.find((l) => (typeof match === 'string' ? l === match : match.test(l))), { timeout, what: `"${match}"` });

async function download(label) {
  const [file] = await Promise.all([page.waitForEvent('download'), click(page, label)]);
  const saved = path.join(resultsDir, file.suggestedFilename());
  await file.saveAs(saved);
  return { name: file.suggestedFilename(), bytes: readFileSync(saved), path: saved };
}

async function pickFile(file) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), click(page, 'Restaurer une sauvegarde…')]);
  await chooser.setFiles(file);
}

test('an empty clinic’s dashboard explains what will appear, not a wall of zeros', async () => {
  await click(page, 'Tableau de bord');
  const shown = await labels(page);
  assert.ok(shown.includes('Bienvenue dans Quittance'), shown.join(' | '));
  assert.ok(shown.some((l) => l.startsWith('Pour commencer, ouvrez « Patients »')), shown.join(' | '));
  assert.ok(!shown.includes(euros(0)), 'no zero amounts on an empty dashboard');
  await page.screenshot({ path: path.join(resultsDir, 'dashboard-empty.png') });
});

test('the dashboard shows what is due by age and the month’s takings by type, as dashboard.summary', async () => {
  const lea = (await exec({ cmd: 'patient.create', id: 'p-lea', name: 'Léa Moreau' })).patient_id;
  const marc = (await exec({ cmd: 'patient.create', id: 'p-marc', name: 'Marc Durand' })).patient_id;
  const chloe = (await exec({ cmd: 'patient.create', id: 'p-chloe', name: 'Chloé Bernard' })).patient_id;
  // Numbers follow the dates: the oldest invoices are issued first.
  const invoices = [
    ['inv-old', lea, 'Bilan et séances de rééducation', 124550, 120],  // over 90 days
    ['inv-75', chloe, 'Séance d’ostéopathie', 8000, 75],                // 61–90
    ['inv-40', marc, 'Consultation de psychologie', 4500, 40],         // 31–60
    ['inv-today', lea, 'Séance de kinésithérapie', 6000, 0],           // 0–30
    ['inv-paid', marc, 'Consultation de psychologie', 5500, 0],
  ];
  for (const [id, patient, label, price, age] of invoices) {
    await exec({ cmd: 'invoice.create', id, patient_id: patient, lines: [{ label, unit_price: price }] });
    await exec({ cmd: 'invoice.issue', id: `${id}-issue`, invoice_id: id, issued_on: daysAgo(age).iso });
  }
  const today = daysAgo(0).iso;
  await exec({ cmd: 'payment.create', id: 'pay-cash', patient_id: lea, payment_type_id: 'cash', amount: 5000,
    paid_on: today, allocations: [{ invoice_id: 'inv-old', amount: 5000 }] });
  await exec({ cmd: 'payment.create', id: 'pay-cheque', patient_id: lea, payment_type_id: 'cheque', amount: 3000,
    paid_on: today, allocations: [{ invoice_id: 'inv-today', amount: 3000 }] });
  await exec({ cmd: 'payment.create', id: 'pay-card', patient_id: marc, payment_type_id: 'card_terminal', amount: 5500,
    paid_on: today, allocations: [{ invoice_id: 'inv-paid', amount: 5500 }] });

  await click(page, 'Patients');
  await click(page, 'Tableau de bord');
  await putOffNotices(page);
  const s = await query({ cmd: 'dashboard.summary' });
  assert.equal(s.due_total, 124550 - 5000 + 8000 + 4500 + 6000 - 3000);
  assert.equal(s.overdue_total, 124550 - 5000 + 8000 + 4500);
  const shown = await labels(page);
  const expect = (text) => assert.ok(shown.includes(text), `"${text}" not on screen: ${shown.join(' | ')}`);
  expect(`Situation au ${daysAgo(0).fr}`);
  for (const [caption, amount] of [['Montants dus', s.due_total], ['Dont en retard', s.overdue_total],
    ['Encaissé ce mois-ci', s.takings_total], ['Facturé ce mois-ci', s.invoiced_month]]) {
    expect(caption);
    expect(euros(amount));
  }
  expect('1\u202F195,50\u00A0€');  // the oldest invoice's rest: thousands grouped as in French
  const captions = { '0-30': '0 à 30 jours', '31-60': '31 à 60 jours', '61-90': '61 à 90 jours', '90+': 'Plus de 90 jours' };
  for (const bucket of s.aged) {
    expect(captions[bucket.bucket]);
    expect(euros(bucket.due));
  }
  // The bars' captions run from the youngest to the oldest, top to bottom.
  const ui = await page.evaluate(() => window.quittance.ui());
  const ys = Object.values(captions).map((c) => ui.find((w) => w.label === c).y);
  assert.deepEqual([...ys].sort((a, b) => a - b), ys);

  expect('Encaissements du mois par type de paiement');
  for (const [type, amount] of [['Espèces', 5000], ['Chèque', 3000], ['Carte bancaire (TPE)', 5500]]) {
    expect(type);
    const row = s.takings_by_type.find((t) => t.label === type);
    assert.equal(row.amount, amount);
    expect(euros(amount));
  }
  expect('Total encaissé');
  // The amounts of the takings table are right-aligned: they end at the same x.
  const ends = ['Espèces', 'Chèque', 'Carte bancaire (TPE)'].map((type) => {
    const caption = ui.find((w) => w.label === type);
    const amount = ui.find((w) => w.label === euros(s.takings_by_type.find((t) => t.label === type).amount) &&
      Math.abs(w.y - caption.y) < 4);
    return Math.round(amount.x + amount.w);
  });
  assert.ok(Math.max(...ends) - Math.min(...ends) <= 1, `amounts end at ${ends.join(', ')}`);
  assert.deepEqual(page.pageErrors, []);
  await page.screenshot({ path: path.join(resultsDir, 'dashboard.png') });
});

test('« Exports et sauvegarde »: a CSV of the month’s invoices for the accountant, then of a longer period', async () => {
  await click(page, 'Paramètres');
  await click(page, 'Exports et sauvegarde');
  const shown = await labels(page);
  assert.ok(shown.includes('Du') && shown.includes('Au'), shown.join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'exports.png') });

  let csv = await download('Télécharger les factures (CSV)');
  const month = daysAgo(0).iso.slice(0, 7);
  assert.match(csv.name, new RegExp(`^factures_${month}-01_${month}-\\d\\d\\.csv$`));
  assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM, for Excel');
  let lines = csv.bytes.toString('utf8').slice(1).split('\r\n').filter((l) => l);
  assert.equal(lines[0], 'Numéro;Date;Patient;Facturé à;Statut;HT;TVA;TTC;Payé;Reste dû');
  assert.equal(lines.length, 3, lines.join('\n'));  // this month's two invoices
  const todays = lines.find((l) => l.includes('Séance') || l.includes('Léa Moreau'));
  assert.match(todays, new RegExp(`^F-\\d{4}-A-\\d{6};${daysAgo(0).fr};Léa Moreau;Léa Moreau;Partiellement payée;60,00;0,00;60,00;30,00;30,00$`));
  await waitForLabel(`Fichier téléchargé : ${csv.name} (2 lignes).`);

  // Since 150 days ago: every invoice, the oldest with its amount in French (1245,50).
  await type(page, 'Du', daysAgo(150).fr);
  csv = await download('Télécharger les factures (CSV)');
  lines = csv.bytes.toString('utf8').slice(1).split('\r\n').filter((l) => l);
  assert.equal(lines.length, 6, lines.join('\n'));
  assert.ok(lines.some((l) => l.includes(';1245,50;') && l.includes(';1195,50')), lines.join('\n'));

  // A period that ends before it starts is refused in French.
  await type(page, 'Au', daysAgo(200).fr);
  await click(page, 'Télécharger les paiements (CSV)');
  assert.ok((await labels(page)).includes('La date de fin est avant la date de début.'));
  // « Mois en cours » puts the month back; the payments of the month, by type.
  await click(page, 'Mois en cours');
  csv = await download('Télécharger les paiements (CSV)');
  assert.match(csv.name, new RegExp(`^paiements_${month}-01_${month}-\\d\\d\\.csv$`));
  lines = csv.bytes.toString('utf8').slice(1).split('\r\n').filter((l) => l);
  assert.equal(lines[0], 'Date;Patient;Type;Montant;Référence;Factures réglées;Supprimé');
  assert.ok(lines.some((l) => l.startsWith(`${daysAgo(0).fr};Léa Moreau;Espèces;50,00;`)), lines.join('\n'));
});

test('« Livre-journal des recettes »: the month\'s receipts book as a PDF and a CSV, its total the dashboard\'s takings', async () => {
  await click(page, 'Paramètres');
  await click(page, 'Exports et sauvegarde');
  await click(page, 'Mois en cours');
  const month = daysAgo(0).iso.slice(0, 7);
  const pdf = await download('Télécharger le livre-journal des recettes (PDF)');
  assert.match(pdf.name, new RegExp(`^Livre-journal ${month}-01 ${month}-\\d\\d\\.pdf$`));
  const text = execFileSync('pdftotext', ['-layout', pdf.path, '-']).toString().replace(/[\s\u00A0\u202F]+/g, ' ');
  const takings = (await query({ cmd: 'dashboard.summary' })).takings_total;
  for (const expected of ['LIVRE-JOURNAL DES RECETTES', 'Léa Moreau', 'Espèces', 'Totaux par mode de paiement',
    `Total des recettes de la période ${euros(takings).replace(/[\u00A0\u202F]/g, ' ')}`]) {
    assert.ok(text.includes(expected), `"${expected}" not in the book:\n${text}`);
  }
  const csv = await download('Télécharger le livre-journal (CSV)');
  const lines = csv.bytes.toString('utf8').slice(1).split('\r\n').filter((l) => l);
  assert.equal(lines[0], 'Date;Patient;Payeur;Factures réglées;Moyen de paiement;Référence;Montant');
  const sum = lines.slice(1).reduce((total, l) => total + Number(l.split(';').at(-1).replace(',', '')), 0);
  assert.equal(sum, takings, lines.join('\n'));
  execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', pdf.path, path.join(resultsDir, 'livre-journal-pdf')]);
});

test('a backup downloaded, a change made, the backup restored: the change is gone, the rest is as it was', async () => {
  await click(page, 'Paramètres');
  await click(page, 'Exports et sauvegarde');
  const backup = await download('Télécharger une sauvegarde');
  assert.match(backup.name, /^quittance-sauvegarde-\d{4}-\d{2}-\d{2}\.sqlite$/);
  assert.equal(backup.bytes.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
  await waitForLabel(`Sauvegarde téléchargée : ${backup.name}.`);
  const before = {
    patients: await query({ cmd: 'patient.list' }),
    invoices: await query({ cmd: 'invoice.list' }),
    summary: await query({ cmd: 'dashboard.summary' }),
  };

  // A change after the backup: a new patient, invoiced and paid.
  const late = (await exec({ cmd: 'patient.create', id: 'p-late', name: 'Patient ajouté après la sauvegarde' })).patient_id;
  await exec({ cmd: 'invoice.create', id: 'inv-late', patient_id: late, lines: [{ label: 'Séance', unit_price: 7000 }] });
  await exec({ cmd: 'invoice.issue', id: 'inv-late-issue', invoice_id: 'inv-late' });
  await exec({ cmd: 'payment.create', id: 'pay-late', patient_id: late, payment_type_id: 'cash', amount: 7000,
    allocations: [{ invoice_id: 'inv-late', amount: 7000 }] });
  assert.equal((await query({ cmd: 'patient.list' })).total, before.patients.total + 1);

  await pickFile(backup.path);
  const summary = await waitForLabel(/^Sauvegarde du /);
  assert.equal(summary, `Sauvegarde du ${daysAgo(0).fr} : 3 patients, 5 factures`);
  await waitForLabel(/^Attention : la restauration remplace toutes les données actuelles/);
  const shown = await labels(page);
  assert.ok(shown.includes(`Fichier choisi : ${backup.name}`), shown.join(' | '));
  // Nothing is replaced before the confirmation.
  assert.equal((await query({ cmd: 'patient.list' })).total, before.patients.total + 1);
  await page.screenshot({ path: path.join(resultsDir, 'exports-restore.png') });

  await click(page, 'Remplacer les données actuelles par cette sauvegarde');
  await waitForLabel(/^Sauvegarde restaurée : 3 patients, 5 factures\./);
  assert.deepEqual(await query({ cmd: 'patient.list' }), before.patients);
  assert.deepEqual(await query({ cmd: 'invoice.list' }), before.invoices);
  assert.deepEqual(await query({ cmd: 'dashboard.summary' }), before.summary);
  assert.equal((await query({ cmd: 'audit.verify' })).intact, true);
  await page.screenshot({ path: path.join(resultsDir, 'exports-restored.png') });

  // The restored books take new commands, and they are what the browser keeps.
  await exec({ cmd: 'settings.set', id: 'after-restore', key: 'practice.name', value: 'Cabinet Moreau' });
  await page.evaluate(() => window.quittance.whenSaved());
  await page.reload();
  await page.evaluate(() => window.quittance.ready);
  assert.deepEqual(await query({ cmd: 'patient.list' }), before.patients);
  assert.equal(await query({ cmd: 'settings.get', key: 'practice.name' }), 'Cabinet Moreau');
  await settle(page);
  await click(page, 'Tableau de bord');
  assert.ok((await labels(page)).includes(euros(before.summary.due_total)));
  assert.deepEqual(page.pageErrors, []);
});

test('a file that is not a backup, or a damaged one, is refused in French and changes nothing', async () => {
  await click(page, 'Paramètres');
  await click(page, 'Exports et sauvegarde');
  const patients = await query({ cmd: 'patient.list' });

  const text = path.join(resultsDir, 'pas-une-sauvegarde.sqlite');
  writeFileSync(text, 'Nom;Montant\r\nLéa Moreau;60,00\r\n');
  await pickFile(text);
  await waitForLabel('Ce fichier n’est pas une sauvegarde Quittance : ce n’est pas une base de données.');
  await waitForLabel('Rien n’a été effacé ni remplacé : vos données restent telles qu’elles étaient.');
  let shown = await labels(page);
  assert.ok(!shown.includes('Remplacer les données actuelles par cette sauvegarde'), 'no way to confirm a refused file');
  await page.screenshot({ path: path.join(resultsDir, 'exports-refused.png') });

  // A backup cut short (a download interrupted): its pages are missing.
  const backup = await download('Télécharger une sauvegarde');
  const cut = path.join(resultsDir, 'sauvegarde-incomplete.sqlite');
  writeFileSync(cut, backup.bytes.subarray(0, Math.floor(backup.bytes.length / 2)));
  await pickFile(cut);
  await waitForLabel('Cette sauvegarde est endommagée : elle ne peut pas être restaurée.');
  shown = await labels(page);
  assert.ok(!shown.includes('Remplacer les données actuelles par cette sauvegarde'));

  assert.deepEqual(await query({ cmd: 'patient.list' }), patients);
  assert.equal((await query({ cmd: 'audit.verify' })).intact, true);
});

test('only the practice owner may restore a backup; a colleague sees why', async () => {
  const julie = (await exec({ cmd: 'user.create', id: 'u-julie', name: 'Julie Petit', role: 'read_only' })).user_id;
  await settle(page);
  await click(page, 'Changer d’utilisateur');
  await click(page, `Julie Petit — Lecture seule##user-${julie}`);
  await click(page, 'Paramètres');
  await click(page, 'Exports et sauvegarde');
  await waitForLabel('Seul le titulaire du cabinet peut restaurer une sauvegarde.');
  assert.equal((await widget(page, 'Restaurer une sauvegarde…')).enabled, false);
});
