// The clinic database in the page store (OPFS, or IndexedDB where a browser has no OPFS): it
// survives a full browser restart, Chromium deleting its IndexedDB, and moves between stores;
// a storage that cannot be read is reported, never silently replaced by an empty database.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  cliBinary, eventually, startServer, launch, newProfile, openApp, labels, pairedClinic, query, run, settle, resultsDir,
  widget,
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

// A new profile whose books hold one patient, stored, the browser closed: where most tests here
// start. `options`: openApp's (withoutOpfs for the IndexedDB store).
async function booksWithPatient(id, name, options) {
  const profile = newProfile();
  const context = await browser(profile);
  const { page } = await openApp(context, server.url, options);
  await run(page, { cmd: 'patient.create', id, name });
  await page.evaluate(() => window.quittance.whenSaved());
  await context.close();
  return profile;
}

// What a browser without the Origin Private File System has (older Firefox and Safari, some
// private windows): the page store then keeps the books in IndexedDB.
const withoutOpfs = { init: () => { delete StorageManager.prototype.getDirectory; } };

// The OPFS store keeps the database as `books.db` in the folder "quittance-pages", its
// write-ahead record as `books.wal` (web/page_store_worker.js). Reads the first 64 bytes of
// `file` as text (null when there is no such file), after writing `replacement` at its start
// when one is given. From a page of the origin without the app: the app's worker holds the files.
async function opfsFile(page, file, replacement = null) {
  return page.evaluate(async ([file, replacement]) => {
    const root = await navigator.storage.getDirectory();
    let handle;
    try {
      handle = await (await root.getDirectoryHandle('quittance-pages')).getFileHandle(file);
    } catch (e) {
      return null;
    }
    const before = new TextDecoder().decode(new Uint8Array(await (await handle.getFile()).slice(0, 64).arrayBuffer()));
    if (replacement !== null) {
      const writable = await handle.createWritable({ keepExistingData: true });
      await writable.write({ type: 'write', position: 0, data: new TextEncoder().encode(replacement) });
      await writable.close();
    }
    return before;
  }, [file, replacement]);
}

// What Chromium does when it finds its IndexedDB damaged (after a crash): it deletes it.
async function deleteIndexedDb(page, name) {
  await page.evaluate((name) => new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = resolve;
    request.onerror = () => reject(request.error);
  }), name);
}

// A page of the app's origin without the app, for the helpers above and below.
async function originPage(context) {
  const page = await context.newPage();
  await page.goto(`${server.url}/manifest.webmanifest`);
  return page;
}

// The IndexedDB store keeps the database as 4 KiB chunks in the "pages" store of "quittance-pages"
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
  await context.close();
  context = await browser(profile);
  const garbage = 'not a database: the clinic\'s bytes, damaged';
  assert.match(await opfsFile(await originPage(context), 'books.db', garbage), /^SQLite format 3/);

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
  await context.close();
  // Nothing was written over the damaged file.
  context = await browser(profile);
  assert.ok((await opfsFile(await originPage(context), 'books.db')).startsWith(garbage));
});

test('without OPFS, the books are kept in IndexedDB; a damaged chunk is reported and left as it was', async () => {
  const profile = newProfile();
  let context = await browser(profile);
  let { page, state } = await openApp(context, server.url, withoutOpfs);
  assert.equal(state.phase, 'ready');
  await run(page, { cmd: 'patient.create', id: 'idb-1', name: 'Inès Garnier' });
  await page.evaluate(() => window.quittance.whenSaved());
  await context.close();

  context = await browser(profile);
  ({ page, state } = await openApp(context, server.url, withoutOpfs));
  assert.equal(state.phase, 'ready');
  assert.deepEqual((await query(page, { cmd: 'patient.list' })).result.items.map((p) => p.name), ['Inès Garnier']);
  const garbage = 'not a database: the clinic\'s bytes, damaged';
  assert.match(await storedChunk(page, 0, garbage), /^SQLite format 3/);
  await context.close();

  context = await browser(profile);
  ({ page, state } = await openApp(context, server.url, withoutOpfs));
  assert.equal(state.failure, 'error.database_unreadable');
  assert.equal((await page.evaluate(() => window.quittance.exec({ cmd: 'patient.create', id: 'idb-2', name: 'X' }))).error.code,
    'storage_failed');
  assert.equal(await storedChunk(page, 0, null), garbage);
});

test('books kept in IndexedDB by an earlier version move to OPFS once, and its copy there goes', async () => {
  const profile = await booksWithPatient('move-1', 'Noémie Faure', withoutOpfs);
  let context = await browser(profile);
  let page;
  let state;
  ({ page, state } = await openApp(context, server.url));
  assert.equal(state.phase, 'ready');
  await page.evaluate(() => window.quittance.whenSaved());
  await eventually(async () => (await storedChunk(page, 0, null)) === undefined,
    { what: 'the IndexedDB copy removed once OPFS holds the books' });
  await run(page, { cmd: 'patient.create', id: 'move-2', name: 'Yann Le Goff' });
  await page.evaluate(() => window.quittance.whenSaved());
  await context.close();

  context = await browser(profile);
  assert.match(await opfsFile(await originPage(context), 'books.db'), /^SQLite format 3/);
  ({ page, state } = await openApp(context, server.url));
  assert.equal(state.phase, 'ready');
  assert.deepEqual((await query(page, { cmd: 'patient.list' })).result.items.map((p) => p.name).sort(),
    ['Noémie Faure', 'Yann Le Goff']);
});

test('a start that cannot reach OPFS, where the books went, refuses to open IndexedDB\'s older copy', async () => {
  const profile = await booksWithPatient('reach-1', 'Noémie Faure', withoutOpfs);
  let context = await browser(profile);
  let page;  // the books moved to OPFS, then more work there
  ({ page } = await openApp(context, server.url));
  await run(page, { cmd: 'patient.create', id: 'reach-2', name: 'Yann Le Goff' });
  await page.evaluate(() => window.quittance.whenSaved());
  await context.close();

  context = await browser(profile);
  let state;
  ({ page, state } = await openApp(context, server.url, withoutOpfs));
  assert.equal(state.failure, 'error.storage_unavailable', JSON.stringify(state));
  assert.match(state.failureDetail, /OPFS/);
  await context.close();
  context = await browser(profile);
  ({ page, state } = await openApp(context, server.url));
  assert.equal((await query(page, { cmd: 'patient.list' })).result.total, 2, 'all there once OPFS is back');
});

test('a write-ahead record torn by a kill is ignored, the books as they were', async () => {
  const profile = await booksWithPatient('torn-1', 'Léa Moreau');
  let context = await browser(profile);
  let page;
  // A record's magic ("QTW1") and a header promising three chunks, cut there: over the last
  // group's record (already in books.db), as a kill mid-write leaves it.
  assert.match(await opfsFile(await originPage(context), 'books.wal', 'QTW1\u0003\u0000\u0000\u0000'), /^QTW1/);
  let state;
  ({ page, state } = await openApp(context, server.url));
  assert.equal(state.phase, 'ready');
  assert.equal((await page.evaluate(() => window.quittance.query({ cmd: 'database.check' }))).result.integrity, 'ok');
  assert.deepEqual((await query(page, { cmd: 'patient.list' })).result.items.map((p) => p.name), ['Léa Moreau']);
  // And the next group is written over it, acknowledged and kept.
  await run(page, { cmd: 'patient.create', id: 'torn-2', name: 'Yann Le Goff' });
  await page.evaluate(() => window.quittance.whenSaved());
  await context.close();
  context = await browser(profile);
  ({ page } = await openApp(context, server.url));
  assert.deepEqual((await query(page, { cmd: 'patient.list' })).result.items.map((p) => p.name).sort(),
    ['Léa Moreau', 'Yann Le Goff']);
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

test('Chromium deleting its IndexedDB (a kill tore its log) loses no books: they are in OPFS', async () => {
  const profile = await booksWithPatient('wiped-1', 'Inès Garnier');
  let context = await browser(profile);
  let page;
  await deleteIndexedDb(await originPage(context), 'quittance-pages');
  let state;
  ({ page, state } = await openApp(context, server.url));
  assert.equal(state.phase, 'ready');
  assert.deepEqual((await query(page, { cmd: 'patient.list' })).result.items.map((p) => p.name), ['Inès Garnier']);
});

// What a browser that lost its storage leaves: the books' OPFS folder gone, and localStorage with
// it (its note is written late: it may miss); the note in IndexedDB, written with the first
// commit, is what tells. From a page of `url`'s origin without the app.
async function loseBooks(context, url) {
  const other = await context.newPage();
  await other.goto(`${url}/manifest.webmanifest`);
  await other.evaluate(async () => {
    localStorage.clear();
    await (await navigator.storage.getDirectory()).removeEntry('quittance-pages', { recursive: true });
  });
  await other.close();
}

async function clickLabel(page, label) {
  const button = await widget(page, label);
  await page.mouse.click(button.x + button.w / 2, button.y + button.h / 2);
}

// The page reloads at once after a choice: no frame to wait for after the click.
async function startedAgain(page) {
  await eventually(async () => (await page.evaluate(() => window.quittance.state().phase).catch(() => '')) === 'ready',
    { timeout: 15000, what: 'the app started again' });
}

test('books the browser lost are reported, never replaced in silence; a paired device takes them back from its server', async (t) => {
  const { server: paired, code } = await pairedClinic(t, 'Cabinet des Lilas');
  const profile = newProfile();
  let context = await browser(profile);
  let { page } = await openApp(context, `${paired.url}#pair=${code}`);
  await eventually(async () => (await page.evaluate(() => window.quittance.state())).backend.series, { what: 'paired' });
  await run(page, { cmd: 'patient.create', id: 'lost-1', name: 'Inès Garnier' });
  await page.evaluate(() => window.quittance.whenSaved());
  await eventually(async () => (await page.evaluate(() => window.quittance.state())).sync.pending === 0,
    { timeout: 10000, what: 'the patient on the server' });
  await context.close();

  context = await browser(profile);
  await loseBooks(context, paired.url);
  let state;
  ({ page, state } = await openApp(context, paired.url));
  assert.equal(state.phase, 'failed');
  assert.equal(state.failure, 'error.storage_lost');
  const shown = await labels(page);
  assert.ok(shown.some((l) => l.startsWith('Les données de Quittance de ce navigateur ont été effacées par le navigateur')),
    shown.join(' | '));
  // The choices, the one that keeps the most first.
  const choices = ['Récupérer les données depuis le serveur du cabinet', 'Restaurer une sauvegarde',
    'Repartir sans données dans ce navigateur'];
  assert.deepEqual(shown.filter((l) => choices.includes(l)), choices);
  await page.screenshot({ path: path.join(resultsDir, 'storage-lost.png') });
  // Nothing was created in its place.
  assert.equal((await page.evaluate(() => window.quittance.exec({ cmd: 'patient.create', id: 'lost-2', name: 'X' }))).error.code,
    'storage_failed');

  await clickLabel(page, 'Récupérer les données depuis le serveur du cabinet');
  await startedAgain(page);
  await eventually(async () => (await query(page, { cmd: 'patient.list' })).result.total === 1,
    { timeout: 15000, what: 'the books back from the server' });
  assert.deepEqual((await query(page, { cmd: 'patient.list' })).result.items.map((p) => p.name), ['Inès Garnier']);
  await run(page, { cmd: 'patient.create', id: 'lost-3', name: 'Paul Meunier' });
  await page.evaluate(() => window.quittance.whenSaved());
  await eventually(async () => (await page.evaluate(() => window.quittance.state())).sync.pending === 0,
    { timeout: 10000, what: 'still paired: the new patient sent' });
  await context.close();

  // Lost again, and this time started empty: asked twice, and the device's link goes too (how
  // far it had pulled the server's events would skip them on empty books).
  context = await browser(profile);
  await loseBooks(context, paired.url);
  ({ page, state } = await openApp(context, paired.url));
  assert.equal(state.failure, 'error.storage_lost');
  await clickLabel(page, 'Repartir sans données dans ce navigateur');
  await settle(page);
  assert.equal((await page.evaluate(() => window.quittance.state())).phase, 'failed', 'one click starts nothing');
  await clickLabel(page, 'Oui, repartir avec un cabinet vide');
  await startedAgain(page);
  assert.equal((await query(page, { cmd: 'patient.list' })).result.total, 0);
  assert.equal((await page.evaluate(() => window.quittance.state())).backend.connection, 'unpaired');
});

test('without OPFS, books IndexedDB lost are reported too; « Restaurer une sauvegarde » opens the restore', async () => {
  const profile = await booksWithPatient('lost-idb-1', 'Inès Garnier', withoutOpfs);
  let context = await browser(profile);
  let page;
  await deleteIndexedDb(await originPage(context), 'quittance-pages');
  let state;
  ({ page, state } = await openApp(context, server.url, withoutOpfs));
  assert.equal(state.failure, 'error.storage_lost');
  const shown = await labels(page);
  assert.ok(!shown.includes('Récupérer les données depuis le serveur du cabinet'), 'not paired: no server to offer');
  await clickLabel(page, 'Restaurer une sauvegarde');
  await startedAgain(page);
  await settle(page);
  assert.equal((await page.evaluate(() => window.quittance.state())).section, 'settings');
  assert.ok((await labels(page)).includes('Restaurer une sauvegarde'), 'the restore in view');
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
