// What could still lose a practice's work, said above every screen (src/ui/safety_notice.h): a
// practice with no server is told its books live only in this browser and offered the day's
// backup at the end of a day with changes, and asked to let the browser keep its storage; a
// paired device out of reach for a minute says how many operations the server has not had.
// The page's clock is set (Playwright's clock: Date only, timers run) to choose the hour.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  click, eventually, launch, labels, newProfile, openApp, pairedClinic, query, resultsDir, run, serverBinary, settle,
  startServer,
} from './harness.mjs';

let server;
const contexts = [];
before(async () => { server = await startServer(); });
afterEach(async () => { for (const c of contexts.splice(0)) await c.close().catch(() => {}); });
after(async () => { await server?.stop(); });

async function browser() {
  const context = await launch(newProfile(), { timezoneId: 'Europe/Paris', acceptDownloads: true });
  contexts.push(context);
  return context;
}

// A frame drawn now (the app draws only when something happens), then its labels.
async function shown(page) {
  await page.mouse.move(5 + Math.random() * 10, 700);
  await settle(page);
  return labels(page);
}

const onlyHere = 'Les données du cabinet ne sont enregistrées que dans ce navigateur';
const download = 'Télécharger la sauvegarde du jour';

test('no server: the day\'s backup is offered at the end of a day with changes, and only then', async () => {
  const context = await browser();
  const page = context.pages()[0] || await context.newPage();
  await page.clock.setFixedTime(new Date('2026-12-07T10:00:00+01:00'));
  await openApp(context, server.url);
  assert.ok(!(await shown(page)).includes(onlyHere), 'nothing to keep yet');
  await run(page, { cmd: 'patient.create', id: 'safe-1', name: 'Inès Garnier' });
  assert.ok(!(await shown(page)).includes(onlyHere), 'in the morning: not yet');

  await page.clock.setFixedTime(new Date('2026-12-07T18:30:00+01:00'));
  const evening = await shown(page);
  assert.ok(evening.includes(onlyHere), evening.join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'safety-backup.png') });
  const downloaded = page.waitForEvent('download');
  await click(page, download);
  assert.equal((await downloaded).suggestedFilename(), 'quittance-sauvegarde-2026-12-07.sqlite');
  assert.ok((await shown(page)).includes('Sauvegarde téléchargée : quittance-sauvegarde-2026-12-07.sqlite. Rangez-la hors de cet ordinateur.'));
  await click(page, 'OK');
  assert.ok(!(await shown(page)).includes(onlyHere), 'backed up: nothing to offer');

  // A change after the backup: offered again; the next morning too, for yesterday's work.
  await run(page, { cmd: 'patient.create', id: 'safe-2', name: 'Paul Meunier' });
  assert.ok((await shown(page)).includes(onlyHere));
  await page.clock.setFixedTime(new Date('2026-12-08T09:00:00+01:00'));
  assert.ok((await shown(page)).includes(onlyHere), 'yesterday\'s work never backed up');
  await click(page, 'Plus tard');
  assert.ok(!(await shown(page)).includes(onlyHere), '« Plus tard »: not again in this session');
});

test('no server: the browser is asked to keep the books from a click, after saying why', async () => {
  const context = await browser();
  const { page } = await openApp(context, server.url);
  await run(page, { cmd: 'patient.create', id: 'persist-1', name: 'Inès Garnier' });
  const ask = 'Demander au navigateur de conserver les données';
  assert.equal((await page.evaluate(() => window.quittance.state())).storagePersisted, 0, 'headless Chromium has not granted it');
  const before = await shown(page);
  assert.ok(before.includes(ask), before.join(' | '));
  assert.ok(before.some((l) => l.startsWith('Ce navigateur peut effacer les données du cabinet')));
  await click(page, ask);
  await eventually(async () => (await page.evaluate(() => window.quittance.state())).storagePersisted !== 0 ||
                                !(await shown(page)).includes(ask), { what: 'the browser\'s answer' });
  assert.ok(!(await shown(page)).includes(ask), 'answered: not asked again');
  await page.reload();
  await page.evaluate(() => window.quittance.ready);
  const persisted = (await page.evaluate(() => window.quittance.state())).storagePersisted;
  assert.equal((await shown(page)).includes(ask), false, `nor after a reload (persisted: ${persisted})`);
});

test('a paired device out of reach for a minute says how many operations the server has not had', async (t) => {
  const { server: paired, code } = await pairedClinic(t, 'Cabinet du Col');
  const context = await browser();
  const page = context.pages()[0] || await context.newPage();
  const start = Date.parse('2026-12-07T10:00:00+01:00');
  await page.clock.setFixedTime(start);
  await openApp(context, `${paired.url}#pair=${code}`);
  await eventually(async () => (await page.evaluate(() => window.quittance.state())).backend.series, { what: 'paired' });

  await context.setOffline(true);
  await run(page, { cmd: 'patient.create', id: 'unsent-1', name: 'Inès Garnier' });
  await run(page, { cmd: 'patient.create', id: 'unsent-2', name: 'Paul Meunier' });
  const notice = '2 opérations non sauvegardées sur le serveur';
  assert.ok(!(await shown(page)).includes(notice), 'not at once: a short cut is ordinary');
  await page.clock.setFixedTime(start + 30_000);
  assert.ok(!(await shown(page)).includes(notice), 'not after 30 s');
  await page.clock.setFixedTime(start + 61_000);
  const later = await shown(page);
  assert.ok(later.includes(notice), later.join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'safety-unsent.png') });

  await context.setOffline(false);
  await page.evaluate(() => window.quittance.syncNow?.());
  await eventually(async () => (await page.evaluate(() => window.quittance.state())).sync.pending === 0,
    { timeout: 15000, what: 'sent once back online' });
  assert.ok(!(await shown(page)).includes(notice), 'sent: nothing to say');
});

test('a paired device whose browser wiped IndexedDB keeps its books (OPFS), says it is no longer paired, and sends its work once paired again', async (t) => {
  const { server: paired, code } = await pairedClinic(t, 'Cabinet des Cimes');
  const profile = newProfile();
  let context = await launch(profile, { timezoneId: 'Europe/Paris' });
  contexts.push(context);
  let { page } = await openApp(context, `${paired.url}#pair=${code}`);
  await eventually(async () => (await page.evaluate(() => window.quittance.state())).backend.series, { what: 'paired' });
  await run(page, { cmd: 'patient.create', id: 'wipe-1', name: 'Inès Garnier' });
  await eventually(async () => (await page.evaluate(() => window.quittance.state())).sync.pending === 0,
    { timeout: 10000, what: 'sent' });
  await context.setOffline(true);
  await run(page, { cmd: 'patient.create', id: 'wipe-2', name: 'Paul Meunier' });  // not sent
  await page.evaluate(() => window.quittance.whenSaved());
  await context.close();

  // What Chromium does when a kill tore its LevelDB log: every IndexedDB database of the origin
  // deleted, the device's link (IDBFS) with them.
  context = await launch(profile, { timezoneId: 'Europe/Paris' });
  contexts.push(context);
  const other = await context.newPage();
  await other.goto(`${paired.url}/manifest.webmanifest`);
  await other.evaluate(async () => {
    for (const { name } of await indexedDB.databases()) {
      await new Promise((resolve, reject) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = resolve;
        request.onerror = () => reject(request.error);
      });
    }
  });
  await other.close();
  ({ page } = await openApp(context, paired.url));
  assert.equal((await query(page, { cmd: 'patient.list' })).result.total, 2, 'the books are in OPFS');
  const notice = await shown(page);
  assert.ok(notice.includes('Ce navigateur n’est plus associé au serveur du cabinet'), notice.join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'safety-unlinked.png') });

  // Paired again (a code asked on another device; here the server's command line): the work
  // never sent goes.
  const again = JSON.parse(execFileSync(serverBinary, ['pairing-code', '--data', paired.data]).toString()).code;
  await page.goto('about:blank');  // a new load: the app reads a pairing code at start
  await page.goto(`${paired.url}#pair=${again}`);
  await page.evaluate(() => window.quittance.ready);
  let last;
  await eventually(async () => {
    last = await page.evaluate(() => window.quittance.state());
    return last.backend.series && last.sync.pending === 0;
  }, { timeout: 15000, what: 'paired again, everything sent' }).catch((e) => {
    throw new Error(`${e.message}: ${JSON.stringify({ backend: last.backend, sync: last.sync })}`);
  });
  assert.ok(!(await shown(page)).includes('Ce navigateur n’est plus associé au serveur du cabinet'));
});
