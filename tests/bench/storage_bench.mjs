// The time from a one-row commit (its COMMIT returned) to durable in IndexedDB, in headless Chromium, for databases
// of 1, 10 and 100 MB: Emscripten's IDBFS (the whole file at every sync) beside the page store
// (only the chunks the commit changed), and beside both, in the same run, a bare IndexedDB
// transaction writing two 4 KiB pages with strict durability — the floor this browser and disk
// allow. Also: commits made back to back are grouped into few IndexedDB transactions, and how
// long a commit call itself takes (what a frame would wait). Prints figures; asserts nothing
// (target: the page store within 1.3× of the floor at every size). Usage:
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
try {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page:', e.message));
  await page.goto(server.url);
  await page.evaluate(async () => {
    await window.benchReady;
    Module._bench_init();
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
    // The floor: two 4 KiB pages in one strict-durability transaction of a database of its own.
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
  });

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = (x) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
  const rows = [];
  const slowestCall = { idbfs: 0, pages: 0 };
  for (const size of sizes) {
    const cell = {};
    const bytes = {};
    for (const which of [0, 1]) bytes[which] = await page.evaluate(([w, s]) => fill(w, s), [which, size]);
    const samples = { idbfs: [], pages: [], bare: [] };
    // The page store and the floor alternate, each first in turn, so that a slow moment of the
    // disk falls on both alike; IDBFS after them, since its whole-file writes keep IndexedDB
    // busy compacting for a while and would slow whatever comes next.
    const pageCommit = async () => {
      const { durable, call } = await page.evaluate(() => commit(1));
      samples.pages.push(durable);
      slowestCall.pages = Math.max(slowestCall.pages, call);
    };
    const bareCommit = async () => samples.bare.push(await page.evaluate(() => bare()));
    for (let i = 0; i < trials; ++i) {
      if (i % 2) { await pageCommit(); await bareCommit(); } else { await bareCommit(); await pageCommit(); }
    }
    for (let i = 0; i < trials; ++i) {
      const { durable, call } = await page.evaluate(() => commit(0));
      samples.idbfs.push(durable);
      slowestCall.idbfs = Math.max(slowestCall.idbfs, call);
    }
    for (const k of Object.keys(samples)) cell[k] = { median: median(samples[k]), max: Math.max(...samples[k]) };
    rows.push({ size, bytes: bytes[1], ...cell });
    console.log(`${size} MB done`);
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
    return { transactions: Module._bench_page_writes() - before, ms: end - start };
  });

  console.log(`\nOne-row commit to durable in IndexedDB, median (max) of ${trials}, headless Chromium ` +
              `${await context.browser()?.version() ?? ''}`);
  console.log('| Database | IDBFS | Page store | Bare IndexedDB, 2 × 4 KiB | Page store ÷ bare |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.size} MB (${(r.bytes / 1e6).toFixed(1)} MB file) | ${ms(r.idbfs.median)} (${ms(r.idbfs.max)}) | ` +
                `${ms(r.pages.median)} (${ms(r.pages.max)}) | ${ms(r.bare.median)} (${ms(r.bare.max)}) | ` +
                `${(r.pages.median / r.bare.median).toFixed(2)}× |`);
  }
  console.log(`\n20 commits back to back: ${grouped.transactions} IndexedDB transactions, all durable after ${ms(grouped.ms)}`);
  console.log('Longest commit call (the insert, then telling the storage: what a frame waits): ' +
              `page store ${slowestCall.pages.toFixed(1)} ms, IDBFS ${slowestCall.idbfs.toFixed(1)} ms`);
} finally {
  await context.close();
  await server.stop();
}
