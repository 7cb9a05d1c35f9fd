// « Restaurer une sauvegarde » with a practice of 10,000 invoices (46 MB): the check runs a slice
// a frame and says how far it has gone, « Annuler » stops it and changes nothing, and the same
// file checked to the end and confirmed replaces the books (checked once: app::BackupCheckJob).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { appSession, click, findOnScreen, labels, resultsDir, root, settle } from './harness.mjs';

// The 10,000-invoice practice scripts/test's hosted bench tier makes; made here when missing.
function largeBackup() {
  const file = path.join(root, 'build/bench/clinic-10k.db');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    execFileSync(path.join(root, 'build/native/quittance-bench'), ['--db', file, '--small'], { stdio: 'ignore' });
  }
  return file;
}

const app = appSession();
before(app.start);
after(app.stop);

const query = async (cmd) => (await app.page.evaluate((c) => window.quittance.query(c), cmd)).result;
const waitForLabel = (match, timeout = 10000) => findOnScreen(app.page,
  (shown) => shown.find((l) => (typeof match === 'string' ? l === match : match.test(l))), { timeout, what: `"${match}"` });

async function pick(file) {
  const { page } = app;
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), click(page, 'Restaurer une sauvegarde…')]);
  await chooser.setFiles(file);
}

test('a large backup: the check shows its progress and can be stopped; confirmed, it replaces the books', async () => {
  const file = largeBackup();
  const { page } = app;
  await page.evaluate(() => window.quittance.exec({ cmd: 'patient.create', id: 'p-here', name: 'Patiente déjà là' }));
  await click(page, 'Paramètres');
  await click(page, 'Exports et sauvegarde');

  // The check takes under a second here: held at 0 % while « Annuler » is pressed.
  await page.evaluate(() => window.quittance.holdBackupCheck(true));
  await pick(file);
  await waitForLabel(/^Vérification de la sauvegarde… 0\u202F%$/);
  await page.screenshot({ path: path.join(resultsDir, 'restore-checking.png') });
  const shownThen = await labels(page);
  assert.ok(shownThen.includes('Fichier choisi : clinic-10k.db'), shownThen.join(' | '));
  // While it checks, nothing else can be picked.
  const widgets = await page.evaluate(() => window.quittance.ui());
  assert.equal(widgets.find((w) => w.label === 'Restaurer une sauvegarde…').enabled, false);
  await click(page, 'Annuler##restore-stop-check');
  await page.evaluate(() => window.quittance.holdBackupCheck(false));
  await settle(page);
  let shown = await labels(page);
  assert.ok(!shown.some((l) => l.startsWith('Vérification de la sauvegarde')), shown.join(' | '));
  assert.ok(!shown.includes('Remplacer les données actuelles par cette sauvegarde'), shown.join(' | '));
  const patients = await query({ cmd: 'patient.list' });
  assert.equal(patients.total, 1, 'the books are as they were');

  // Again, to the end (scripts/bench-browser prints the progress a 100,000-invoice practice shows).
  await pick(file);
  await waitForLabel('Remplacer les données actuelles par cette sauvegarde', 120000);
  const summary = await waitForLabel(/^Sauvegarde du /);
  assert.match(summary, /: 200 patients, [\d\u202F]+ factures$/);
  await page.screenshot({ path: path.join(resultsDir, 'restore-large-checked.png') });
  await click(page, 'Remplacer les données actuelles par cette sauvegarde');
  await waitForLabel(/^Sauvegarde restaurée : 200 patients/, 120000);
  await page.screenshot({ path: path.join(resultsDir, 'restore-large-done.png') });
  assert.equal((await query({ cmd: 'patient.list' })).total, 200);
  assert.ok((await query({ cmd: 'invoice.list', limit: 1 })).total >= 9900);
  assert.equal((await query({ cmd: 'patient.list', search: 'déjà' })).total, 0);
  assert.deepEqual(page.pageErrors, []);
});
