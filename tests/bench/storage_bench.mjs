// The time from a one-row commit (its COMMIT returned) to durable, in headless Chromium, for
// databases of 1, 10 and 100 MB, on each storage the browser app has had: Emscripten's IDBFS
// (the whole file at every sync), the page store in IndexedDB (the chunks the commit changed, in
// one strict-durability transaction) and the page store in OPFS (the same chunks as a flushed
// write-ahead record, through its worker). Beside them, in the same run, each medium's floor:
// a bare IndexedDB transaction of two 4 KiB pages with strict durability, and two 4 KiB pages
// written and flushed through an OPFS synchronous handle in a worker. Also: commits made back to
// back are grouped into few writes, and how long a commit call itself takes (what a frame would
// wait). Prints figures; asserts nothing (target: each page store within 1.3× of its floor at
// every size). Usage:
//   node tests/bench/storage_bench.mjs      (scripts/bench-storage builds and runs it)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, newProfile, startServer } from '../browser/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const benchDir = path.join(root, 'build/wasm/tests/wasm/storage-bench');
const sizes = (process.env.SIZES || '1,10,100').split(',').map(Number);
const trials = Number(process.env.TRIALS || 9);

const server = await startServer({ web: benchDir });
const context = await launch(newProfile());

// One page per page store (the VFS shim watches one file): `indexeddb` picks it. The page store
// and both floors in turn, each first in its turn, so that a slow moment of the disk falls on
// all alike; IDBFS (when asked) after them, since its whole-file writes keep IndexedDB busy
// compacting for a while and would slow whatever comes next.
async function measure(indexeddb, withIdbfs) {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page:', e.message));
  await page.goto(server.url);
  await page.evaluate(async (indexeddb) => {
    await window.benchReady;
    Module._bench_init(indexeddb ? 1 : 0);
    while (Module._bench_loaded() < 2) await new Promise((r) => setTimeout(r, 10));
    const error = Module.UTF8ToString(Module._bench_error());
    if (error) throw new Error(error);
    // Resolves with the time Module.onSaved(which) is called (storage_bench.cpp).
    window.savedBy = (which) => new Promise((resolve) => {
      Module.onSaved = (w) => { if (w === which) resolve(performance.now()); };
    });
    window.fill = async (which, megabytes) => {
      const saved = savedBy(which);
      Module._bench_fill(which, megabytes);
      await saved;
      return Module._bench_file_size(which);
    };
    window.commit = async (which) => {
      const saved = savedBy(which);
      const committed = Module._bench_commit(which);
      const call = Module._bench_last_call_ms();
      return { durable: (await saved) - committed, call };
    };
    // The IndexedDB floor: two 4 KiB pages in one strict-durability transaction of a database of its own.
    const open = indexedDB.open('bench-floor', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('pages');
    window.floorDb = await new Promise((resolve, reject) => {
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    window.bare = () => new Promise((resolve, reject) => {
      const start = performance.now();
      const tx = floorDb.transaction('pages', 'readwrite', { durability: 'strict' });
      const pages = tx.objectStore('pages');
      pages.put(crypto.getRandomValues(new Uint8Array(4096)), 0);
      pages.put(crypto.getRandomValues(new Uint8Array(4096)), 1);
      tx.oncomplete = () => resolve(performance.now() - start);
      tx.onabort = () => reject(tx.error);
    });
    // The OPFS floor: two 4 KiB pages written and flushed by a worker (storage_floor_worker.js).
    const floorWorker = new Worker('storage_floor_worker.js');
    window.bareOpfs = () => new Promise((resolve) => {
      const start = performance.now();
      floorWorker.onmessage = () => resolve(performance.now() - start);
      floorWorker.postMessage(null);
    });
    await bareOpfs();  // the handle opened outside the samples
  }, indexeddb);

  const rows = [];
  let slowestCall = 0, slowestIdbfsCall = 0;
  for (const size of sizes) {
    const file = await page.evaluate((s) => fill(1, s), size);
    if (withIdbfs) await page.evaluate((s) => fill(0, s), size);
    const samples = { store: [], bareIdb: [], bareOpfs: [], idbfs: [] };
    const round = [
      async () => {
        const { durable, call } = await page.evaluate(() => commit(1));
        samples.store.push(durable);
        slowestCall = Math.max(slowestCall, call);
      },
      async () => samples.bareIdb.push(await page.evaluate(() => bare())),
      async () => samples.bareOpfs.push(await page.evaluate(() => bareOpfs())),
    ];
    for (let i = 0; i < trials; ++i) {
      for (let k = 0; k < round.length; ++k) await round[(i + k) % round.length]();
    }
    for (let i = 0; withIdbfs && i < trials; ++i) {
      const { durable, call } = await page.evaluate(() => commit(0));
      samples.idbfs.push(durable);
      slowestIdbfsCall = Math.max(slowestIdbfsCall, call);
    }
    const row = { size, file };
    for (const k of Object.keys(samples)) {
      if (samples[k].length) row[k] = { median: median(samples[k]), max: Math.max(...samples[k]) };
    }
    rows.push(row);
    console.log(`${indexeddb ? 'IndexedDB' : 'OPFS'} store, ${size} MB done`);
  }
  // Grouping: 20 commits back to back, each told to the storage as the app does.
  const grouped = await page.evaluate(async () => {
    const before = Module._bench_page_writes();
    const saved = savedBy(1);
    let start;
    for (let i = 0; i < 20; ++i) {
      const committed = Module._bench_commit(1);
      start ??= committed;
    }
    const end = await saved;
    return { writes: Module._bench_page_writes() - before, ms: end - start };
  });
  await page.close();
  return { rows, grouped, slowestCall, slowestIdbfsCall };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const cell = (c) => `${ms(c.median)} (${ms(c.max)})`;
try {
  const opfs = await measure(false, false);
  const idb = await measure(true, true);
  console.log(`\nOne-row commit to durable, median (max) of ${trials}, headless Chromium ` +
              `${await context.browser()?.version() ?? ''}; each store with the floors measured beside it`);
  console.log('| Database | IDBFS | Page store, IndexedDB | Bare IndexedDB, 2 × 4 KiB | Page store, OPFS | ' +
              'Bare OPFS, 2 × 4 KiB | IndexedDB store ÷ its floor | OPFS store ÷ its floor |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (let i = 0; i < sizes.length; ++i) {
    const o = opfs.rows[i], d = idb.rows[i];
    console.log(`| ${o.size} MB (${(o.file / 1e6).toFixed(1)} MB file) | ${cell(d.idbfs)} | ${cell(d.store)} | ` +
                `${cell(d.bareIdb)} | ${cell(o.store)} | ${cell(o.bareOpfs)} | ` +
                `${(d.store.median / d.bareIdb.median).toFixed(2)}× | ${(o.store.median / o.bareOpfs.median).toFixed(2)}× |`);
  }
  console.log(`\n20 commits back to back: OPFS store ${opfs.grouped.writes} writes, all durable after ` +
              `${ms(opfs.grouped.ms)}; IndexedDB store ${idb.grouped.writes} transactions, after ${ms(idb.grouped.ms)}`);
  console.log('Longest commit call (the insert, then telling the storage: what a frame waits): ' +
              `OPFS store ${opfs.slowestCall.toFixed(1)} ms, IndexedDB store ${idb.slowestCall.toFixed(1)} ms, ` +
              `IDBFS ${idb.slowestIdbfsCall.toFixed(1)} ms`);
} finally {
  await context.close();
  await server.stop();
}
