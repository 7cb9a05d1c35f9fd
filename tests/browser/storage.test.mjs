// The clinic database in IndexedDB: it survives a full browser restart, and a storage that
// cannot be read is reported, never silently replaced by an empty database.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, launch, newProfile, openApp, labels, settle, resultsDir } from './harness.mjs';

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

// IDBFS keeps each file as a record of the "FILE_DATA" store of the "/data" database.
async function idbRecord(page, key, replacement) {
  return page.evaluate(([key, replacement]) => new Promise((resolve, reject) => {
    const open = indexedDB.open('/data');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('FILE_DATA', 'readwrite');
      const store = tx.objectStore('FILE_DATA');
      const get = store.get(key);
      get.onsuccess = () => {
        const record = get.result;
        if (replacement !== null) {
          record.contents = new TextEncoder().encode(replacement);
          store.put(record, key);
        }
        tx.oncomplete = () => { db.close(); resolve(new TextDecoder().decode(record.contents.slice(0, 64))); };
      };
      tx.onerror = () => reject(tx.error);
    };
  }), [key, replacement]);
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
  await idbRecord(page, '/data/quittance.db', garbage);
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
  assert.equal(await idbRecord(page, '/data/quittance.db', null), garbage);
  await context.close();
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
