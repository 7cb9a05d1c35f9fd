// The clinic database in IndexedDB: it survives a full browser restart, and a storage that
// cannot be read is reported, never silently replaced by an empty database.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  cliBinary, eventually, startServer, launch, newProfile, openApp, labels, query, run, settle, resultsDir, widget,
} from './harness.mjs';

let server;
const contexts = [];  // closed after each test, even a failing one, so the run never hangs
before(async () => { server = await startServer(); });
afterEach(async () => { for (const c of contexts.splice(0)) await c.close().catch(() => {}); });
after(async () => { await server?.stop(); });

async function browser(profile, options) {
  const context = await launch(profile, options);
  contexts.push(context);
  return context;
}

// The page store keeps the database as 4 KiB chunks in the "pages" store of "quittance-pages"
// (src/platform/web/library_storage.js). Reads chunk `index` as text, after putting
// `replacement` in its place when one is given.
async function storedChunk(page, index, replacement) {
  return page.evaluate(([index, replacement]) => new Promise((resolve, reject) => {
    const open = indexedDB.open('quittance-pages');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('pages', 'readwrite');
      const store = tx.objectStore('pages');
      let before;
      store.get(index).onsuccess = (e) => {
        before = e.target.result;
        if (replacement !== null) store.put(new TextEncoder().encode(replacement), index);
      };
      tx.oncomplete = () => { db.close(); resolve(before && new TextDecoder().decode(before.slice(0, 64))); };
      tx.onerror = () => reject(tx.error);
    };
  }), [index, replacement]);
}

// Versions before the page store kept the database whole on Emscripten's IDBFS: the record
// "/data/quittance.db" of the "FILE_DATA" store of the "/data" database (IDBFS's format, version 21).
async function idbfsRecord(page, key, bytes) {
  return page.evaluate(([key, bytes]) => new Promise((resolve, reject) => {
    const open = indexedDB.open('/data', 21);
    open.onupgradeneeded = () => open.result.createObjectStore('FILE_DATA').createIndex('timestamp', 'timestamp');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('FILE_DATA', 'readwrite');
      const store = tx.objectStore('FILE_DATA');
      let found;
      if (bytes) store.put({ timestamp: new Date(), mode: 0o100644, contents: new Uint8Array(bytes) }, key);
      else store.get(key).onsuccess = (e) => { found = e.target.result; };
      tx.oncomplete = () => { db.close(); resolve(found ? found.contents.length : null); };
      tx.onerror = () => reject(tx.error);
    };
  }), [key, bytes]);
}

test('data written before a full browser restart is there after it', async () => {
  const profile = newProfile();
  let context = await browser(profile);
  let { page, state } = await openApp(context, server.url);
  assert.equal(state.phase, 'ready');
  const answer = await page.evaluate(() => window.quittance.exec({ cmd: 'settings.set', id: 'storage-1', key: 'practice.name', value: 'Cabinet Hélène Lefèvre' }));
  assert.equal(answer.ok, true);
  assert.equal((await page.evaluate(() => window.quittance.whenSaved())).saved, 'saved');
  await settle(page);
  assert.ok((await labels(page)).includes('Enregistré'));
  await context.close();

  context = await browser(profile);
  ({ page, state } = await openApp(context, server.url));
  assert.equal(state.phase, 'ready');
  const read = await page.evaluate(() => window.quittance.query({ cmd: 'settings.get', key: 'practice.name' }));
  assert.equal(read.result, 'Cabinet Hélène Lefèvre');
  await context.close();
});

test('a corrupt database file is reported and left as it was', async () => {
  const profile = newProfile();
  let context = await browser(profile);
  let { page } = await openApp(context, server.url);
  await page.evaluate(() => window.quittance.exec({ cmd: 'settings.set', id: 'storage-2', key: 'practice.name', value: 'x' }));
  await page.evaluate(() => window.quittance.whenSaved());
  const garbage = 'not a database: the clinic\'s bytes, damaged';
  assert.match(await storedChunk(page, 0, garbage), /^SQLite format 3/);
  await context.close();

  context = await browser(profile);
  let state;
  ({ page, state } = await openApp(context, server.url));
  assert.equal(state.phase, 'failed');
  assert.equal(state.failure, 'error.database_unreadable');
  const shown = await labels(page);
  assert.ok(shown.includes('Impossible d’ouvrir les données du cabinet'), shown.join(' | '));
  assert.ok(shown.some((l) => l.startsWith('Rien n’a été effacé')));
  await page.screenshot({ path: path.join(resultsDir, 'storage-corrupt.png') });
  const exec = await page.evaluate(() => window.quittance.exec({ cmd: 'settings.set', id: 'storage-3', key: 'practice.name', value: 'y' }));
  assert.equal(exec.error.code, 'storage_failed');
  // Nothing was written over the damaged file.
  assert.equal(await storedChunk(page, 0, null), garbage);
  await context.close();
});

test('a database kept by an older version on IDBFS is moved to the page store on first start', async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'quittance-legacy-'));
  const file = path.join(work, 'quittance.db');
  execFileSync(cliBinary, ['--db', file], { input:
    '{"cmd":"patient.create","id":"legacy-1","name":"Noémie Faure"}\n' +
    '{"cmd":"settings.set","id":"legacy-2","key":"practice.name","value":"Cabinet d’avant"}\n' });
  const bytes = [...readFileSync(file)];
  rmSync(work, { recursive: true, force: true });
  const profile = newProfile();
  let context = await browser(profile);
  // The same origin, without the app: the older version's record is put in place.
  const setup = await context.newPage();
  await setup.goto(`${server.url}/manifest.webmanifest`);
  await idbfsRecord(setup, '/data/quittance.db', bytes);
  await setup.close();

  let { page, state } = await openApp(context, server.url);
  assert.equal(state.phase, 'ready');
  const names = async () => (await query(page, { cmd: 'patient.list' })).result.items.map((p) => p.name);
  assert.deepEqual(await names(), ['Noémie Faure']);
  await page.evaluate(() => window.quittance.whenSaved());
  assert.match(await storedChunk(page, 0, null), /^SQLite format 3/);
  await eventually(async () => (await idbfsRecord(page, '/data/quittance.db', null)) === null,
    { what: 'the IDBFS copy removed once the page store holds the books' });
  await run(page, { cmd: 'patient.create', id: 'after-move', name: 'Yann Le Goff' });
  await page.evaluate(() => window.quittance.whenSaved());
  await context.close();

  context = await browser(profile);
  ({ page, state } = await openApp(context, server.url));
  assert.equal(state.phase, 'ready');
  assert.deepEqual((await names()).sort(), ['Noémie Faure', 'Yann Le Goff']);
  assert.equal((await query(page, { cmd: 'settings.get', key: 'practice.name' })).result, 'Cabinet d’avant');
});

test('books the browser lost are reported, never replaced by empty ones in silence; « Repartir de zéro » starts again', async () => {
  const profile = newProfile();
  let context = await browser(profile);
  let { page } = await openApp(context, server.url);
  await run(page, { cmd: 'patient.create', id: 'lost-1', name: 'Inès Garnier' });
  await page.evaluate(() => window.quittance.whenSaved());
  await context.close();

  // What Chromium does when it finds its IndexedDB damaged (after a crash): it deletes it.
  context = await browser(profile);
  const other = await context.newPage();
  await other.goto(`${server.url}/manifest.webmanifest`);
  await other.evaluate(() => new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase('quittance-pages');
    request.onsuccess = resolve;
    request.onerror = () => reject(request.error);
  }));
  await other.close();

  let state;
  ({ page, state } = await openApp(context, server.url));
  assert.equal(state.phase, 'failed');
  assert.equal(state.failure, 'error.storage_lost');
  const shown = await labels(page);
  assert.ok(shown.some((l) => l.startsWith('Les données du cabinet enregistrées dans ce navigateur ont disparu')),
    shown.join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'storage-lost.png') });
  // Nothing was created in its place.
  assert.equal((await page.evaluate(() => window.quittance.exec({ cmd: 'patient.create', id: 'lost-2', name: 'X' }))).error.code,
    'storage_failed');

  // The page reloads at once: no frame to wait for after the click.
  const button = await widget(page, 'Repartir de zéro dans ce navigateur');
  await page.mouse.click(button.x + button.w / 2, button.y + button.h / 2);
  await eventually(async () => (await page.evaluate(() => window.quittance.state().phase).catch(() => '')) === 'ready',
    { timeout: 15000, what: 'the app started again on empty books' });
  assert.equal((await query(page, { cmd: 'patient.list' })).result.total, 0);
});

test('a browser that refuses IndexedDB gets a clear message, not an empty database', async () => {
  const context = await browser(newProfile());
  const { page, state } = await openApp(context, server.url, {
    init: () => {
      // What private modes and full disks do: opening a database throws.
      IDBFactory.prototype.open = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
    },
  });
  assert.equal(state.phase, 'failed');
  assert.equal(state.failure, 'error.storage_unavailable');
  assert.match(state.failureDetail, /quota/i);
  const shown = await labels(page);
  assert.ok(shown.some((l) => l.startsWith('Le navigateur refuse l’accès à son stockage')), shown.join(' | '));
  await context.close();
});

test('a second tab waits for the first: it says so, writes nothing, and takes over when it closes', async () => {
  const context = await browser(newProfile());
  const { page: first } = await openApp(context, server.url);
  const answer = await first.evaluate(() => window.quittance.exec({ cmd: 'patient.create', id: 'tab-1', name: 'Léa Moreau' }));
  assert.equal(answer.ok, true);
  await first.evaluate(() => window.quittance.whenSaved());

  const second = await context.newPage();
  await second.goto(server.url);
  const waiting = await second.evaluate(() => window.quittance.ready);
  assert.equal(waiting.phase, 'other_tab');
  const text = await second.locator('#boot-message').textContent();
  assert.ok(text.includes('déjà ouvert dans un autre onglet'), text);
  assert.ok(await second.locator('#boot-message').isVisible());
  const refused = await second.evaluate(() => window.quittance.exec({ cmd: 'patient.create', id: 'tab-2', name: 'X' }));
  assert.equal(refused.error.code, 'other_tab');
  await second.screenshot({ path: path.join(resultsDir, 'storage-other-tab.png') });

  await first.close();
  const deadline = Date.now() + 15000;
  while ((await second.evaluate(() => window.quittance.state().phase)) !== 'ready') {
    assert.ok(Date.now() < deadline, 'the second tab did not take over');
    await second.waitForTimeout(100);
  }
  const list = await second.evaluate(() => window.quittance.query({ cmd: 'patient.list' }));
  assert.deepEqual(list.result.items.map((p) => p.name), ['Léa Moreau']);
  await second.locator('#boot-message').waitFor({ state: 'hidden' });  // at the first frame drawn
});
