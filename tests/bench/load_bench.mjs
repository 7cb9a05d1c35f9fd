// The first load of the app in headless Chromium: from navigation to the first frame a
// practitioner can use (window.quittance.firstFrameMs, set by boot.js when the first frame after
// the storage load is drawn), cold (a fresh profile: no HTTP cache, no service worker, no
// IndexedDB) and warm (the same profile again, served from the service worker's cache), with the
// bytes that crossed the network. Each web folder is served by quittance-server on localhost,
// one after the other in the same run, so that a build before a change and after it compare on
// the same machine. Prints figures; asserts nothing (targets: ≤ 1.0 s cold, ≤ 300 ms warm).
//   node tests/bench/load_bench.mjs [--runs N] [LABEL=]WEB_DIR...   (scripts/bench-load runs it)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch, newProfile, startServer } from '../browser/harness.mjs';

const args = process.argv.slice(2);
let runs = 10;
const folders = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else {
    const [label, dir] = args[i].includes('=') ? args[i].split('=', 2) : [path.basename(args[i]), args[i]];
    folders.push({ label, dir });
  }
}
if (!folders.length || !(runs > 0)) {
  console.error('usage: node tests/bench/load_bench.mjs [--runs N] [LABEL=]WEB_DIR...');
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;

// One navigation in `context`: the first usable frame's time and the bytes received.
async function load(context, url, retries = 3) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await page.goto(url);
  const state = await page.evaluate(() => window.quittance.ready);
  if (state.phase === 'other_tab' && retries > 0) {
    // The tab closed before still held the writer lock a moment: that wait is not a load.
    await page.close();
    await lockFree(context, url);
    return load(context, url, retries - 1);
  }
  if (state.phase !== 'ready') throw new Error(`the app did not start: ${JSON.stringify(state)}`);
  const firstFrame = await page.evaluate(() => window.quittance.firstFrameMs);
  // The start-up's steps on the page's timeline: app.wasm received, then the marks of boot.js
  // and of the app's main() (src/platform/web/main.cpp).
  const steps = await page.evaluate(() => {
    const out = {};
    const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/app.wasm'));
    if (wasm) out['app.wasm received'] = wasm.responseEnd;
    for (const m of performance.getEntriesByType('mark')) if (m.name.startsWith('quittance-')) out[m.name.slice(10)] = m.startTime;
    return out;
  });
  return { page, firstFrame, bytes, steps };
}

// Until no tab of `url`'s origin holds the app's writer lock (boot.js): a page just closed
// releases it a moment later, and the next one would wait for it rather than load.
async function lockFree(context, url) {
  const page = await context.newPage();
  await page.goto(`${url}/favicon.svg`);
  await page.waitForFunction(async () => (await navigator.locks.query()).held.length === 0);
  await page.close();
}

// Median of each step over the runs, in the order they happen.
function stepsLine(runs) {
  const names = Object.keys(runs[0] || {});
  const medians = names.map((n) => [n, median(runs.map((r) => r[n] ?? NaN))]).sort((a, b) => a[1] - b[1]);
  return medians.map(([n, t]) => `${n} ${t.toFixed(0)}`).join(', ');
}

async function measure({ label, dir }) {
  const sizes = readdirSync(dir).filter((f) => /^app\.(wasm|data|js)$/.test(f))
    .map((f) => `${f} ${kb(statSync(path.join(dir, f)).size)} (${kb(gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length)} gzipped)`);
  const server = await startServer({ web: dir });
  const cold = [], warm = [], coldBytes = [], warmBytes = [], coldSteps = [], warmSteps = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await launch(newProfile());
      try {
        const { firstFrame, bytes, steps } = await load(context, server.url);
        cold.push(firstFrame);
        coldBytes.push(bytes);
        coldSteps.push(steps);
      } finally {
        await context.close();
      }
    }
    // Warm: one profile whose service worker has cached this version, opened again and again.
    const context = await launch(newProfile());
    try {
      const first = await load(context, server.url);
      await first.page.evaluate(() => navigator.serviceWorker.ready.then(
        (r) => new Promise((resolve) => (r.active?.state === 'activated' ? resolve() : r.active.addEventListener('statechange', resolve)))));
      await first.page.close();
      for (let i = 0; i < runs; i++) {
        await lockFree(context, server.url);
        const { page, firstFrame, bytes, steps } = await load(context, server.url);
        warm.push(firstFrame);
        warmBytes.push(bytes);
        warmSteps.push(steps);
        await page.close();
      }
    } finally {
      await context.close();
    }
  } finally {
    await server.stop();
  }
  console.log(`${label}: ${sizes.join(', ')}`);
  console.log(`  cold (fresh profile), first usable frame: median ${median(cold).toFixed(0)} ms ` +
              `(${Math.min(...cold).toFixed(0)}–${Math.max(...cold).toFixed(0)} over ${runs}), ` +
              `${kb(median(coldBytes))} transferred (target ≤ 1000 ms)`);
  console.log(`    steps (ms, medians): ${stepsLine(coldSteps)}`);
  console.log(`  warm (service worker's cache): median ${median(warm).toFixed(0)} ms ` +
              `(${Math.min(...warm).toFixed(0)}–${Math.max(...warm).toFixed(0)}), ` +
              `${kb(median(warmBytes))} transferred (target ≤ 300 ms)`);
  console.log(`    steps (ms, medians): ${stepsLine(warmSteps)}`);
}

for (const folder of folders) await measure(folder);
