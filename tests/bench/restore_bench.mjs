// A clinic's books restored into a fresh browser from the server (docs/sync.md, « Restore »):
// the books are imported into a new clinic (quittance-server import-books), a new Chromium
// profile opens the app with a pairing link, and the time is taken from navigation to the
// books usable and synced (« À jour »), then to the database durable in IndexedDB. Prints
// figures; asserts nothing (target: the 100,000-invoice clinic in under 20 s). Usage:
//   node tests/bench/restore_bench.mjs DB_FILE      (scripts/bench-browser runs it)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch, newProfile, serverBinary, startServer } from '../browser/harness.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node tests/bench/restore_bench.mjs DB_FILE');
  process.exit(2);
}
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

const data = mkdtempSync(path.join(tmpdir(), 'quittance-restore-'));
execFileSync(serverBinary, ['create-clinic', '--name', 'Cabinet de démonstration', '--data', data]);
let t = Date.now();
const imported = JSON.parse(execFileSync(serverBinary, ['import-books', '--books', file, '--data', data]).toString());
console.log(`import-books: ${imported.operations} operations from ${file} ` +
            `(${(statSync(file).size / 1e6).toFixed(1)} MB) in ${seconds(Date.now() - t)}`);
const { code } = JSON.parse(execFileSync(serverBinary, ['pairing-code', '--data', data]).toString());

const server = await startServer({ data });
const context = await launch(newProfile());
try {
  const page = await context.newPage();
  t = Date.now();
  await page.goto(`${server.url}#pair=${code}`);
  await page.evaluate(() => window.quittance.ready);
  let state;
  for (;;) {
    state = await page.evaluate(() => window.quittance.state());
    if (state.sync?.restoredFromSnapshot > 0 && state.sync.state === 'up_to_date') break;
    if (Date.now() - t > 600_000) throw new Error(`not restored in 10 minutes: ${JSON.stringify(state)}`);
    await page.waitForTimeout(100);
  }
  const usable = Date.now() - t;
  await page.evaluate(() => window.quittance.whenSaved(600_000));
  const durable = Date.now() - t;
  const total = (await page.evaluate(() => window.quittance.query({ cmd: 'invoice.list', limit: 1 }))).result.total;
  console.log(`restore into a fresh browser (pairing link → books usable and « À jour »): ${total} invoices, ` +
              `snapshot at operation ${state.sync.restoredFromSnapshot}, in ${seconds(usable)} (target < 20 s)`);
  console.log(`  … and durable in IndexedDB: ${seconds(durable)}`);
} finally {
  await context.close();
  await server.stop();
}
