// The installable offline app (issue 9): after one online visit, the service worker serves the
// app shell, so the page starts and works with no network at all — the server stopped and the
// browser offline — and, once both are back, what was done offline reaches the server. A new
// version is downloaded in the background, announced, and used from the next start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  eventually, launch, newProfile, openApp, resultsDir, run, serverBinary, startServer, waitForLabels, webDir,
} from './harness.mjs';

let server, data, context, page;

before(async () => {
  data = mkdtempSync(path.join(tmpdir(), 'quittance-server-'));
  execFileSync(serverBinary, ['create-clinic', '--name', 'Cabinet des Alpes', '--data', data]);
  server = await startServer({ data });
  const code = JSON.parse(execFileSync(serverBinary, ['pairing-code', '--data', data]).toString()).code;
  context = await launch(newProfile());
  ({ page } = await openApp(context, `${server.url}#pair=${code}`));
  await eventually(async () => (await page.evaluate(() => window.quittance.state())).backend.series, { what: 'paired' });
});

after(async () => {
  await context?.close();
  await server?.stop();
  rmSync(data, { recursive: true, force: true });
});

test('after one online visit the app starts with no network, works, and syncs once the network is back', async () => {
  // The service worker took the page and cached the shell.
  await eventually(() => page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const cached = await caches.keys();
    return registration.active && navigator.serviceWorker.controller && cached.some((k) => k.startsWith('quittance-'));
  }), { timeout: 20000, what: 'the service worker controlling the page with its cache' });
  const persisted = await page.evaluate(() => window.quittance.storagePersisted);
  assert.notEqual(persisted, undefined);

  // No network: the server is stopped and the browser offline. A reload still starts the app.
  const port = new URL(server.url).port;
  await server.stop({ keepData: true });
  await context.setOffline(true);
  await page.reload();
  const ready = await page.evaluate(() => window.quittance.ready);
  assert.equal(ready.phase, 'ready');
  await run(page, { cmd: 'patient.create', id: 'p-offline', name: 'Anaïs Rouvière' });
  await run(page, { cmd: 'invoice.create', id: 'inv-offline', patient_id: 'p-offline',
    lines: [{ label: 'Séance au refuge', unit_price: 5500 }] });
  await run(page, { cmd: 'invoice.issue', id: 'iss-offline', invoice_id: 'inv-offline' });
  await page.evaluate(() => window.quittance.whenSaved());
  await waitForLabels(page, ['○ Hors ligne']);
  await page.screenshot({ path: path.join(resultsDir, 'offline-start.png') });
  assert.ok((await page.evaluate(() => window.quittance.state())).sync.pending >= 3);

  // Back online, the same server: what was done offline is sent.
  server = await startServer({ port: Number(port), data });
  await context.setOffline(false);
  await page.evaluate(() => window.quittance.syncNow());
  await eventually(async () => {
    const { sync } = await page.evaluate(() => window.quittance.state());
    return sync.state === 'up_to_date' && sync.pending === 0;
  }, { timeout: 30000, what: 'the offline work synced' });
});

test('a new version downloads in the background, is announced, and is used from the next start', async () => {
  const web = mkdtempSync(path.join(tmpdir(), 'quittance-web-'));
  cpSync(webDir, web, { recursive: true });
  const own = await startServer({ web });
  const browser = await launch(newProfile());
  try {
    let { page: p } = await openApp(browser, own.url);
    const first = await eventually(() => p.evaluate(async () => {
      await navigator.serviceWorker.ready;
      return navigator.serviceWorker.controller && (await caches.keys()).find((k) => k.startsWith('quittance-'));
    }), { timeout: 20000, what: 'the first version installed' });

    // A new build on the server: its service worker names another cache (the build's hash).
    const sw = path.join(web, 'sw.js');
    writeFileSync(sw, readFileSync(sw, 'utf8').replace("const CACHE = 'quittance-", "const CACHE = 'quittance-next-"));
    await p.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await eventually(() => p.evaluate(() => window.quittance.state().updateReady), { timeout: 20000, what: 'update ready' });
    await waitForLabels(p, ['Mise à jour prête : elle s’appliquera au prochain démarrage de Quittance']);
    await p.screenshot({ path: path.join(resultsDir, 'update-ready.png') });
    assert.equal((await p.evaluate(() => caches.keys())).includes(first), true);  // still the running version's

    // The next start (every tab closed, then opened again) runs the new version alone.
    await p.close();
    ({ page: p } = await openApp(browser, own.url));
    await eventually(async () => {
      const keys = await p.evaluate(() => caches.keys());
      return keys.length === 1 && keys[0].startsWith('quittance-next-');
    }, { timeout: 20000, what: 'the new version alone, the old one\'s cache gone' });
    assert.equal((await p.evaluate(() => window.quittance.ready)).phase, 'ready');
    assert.equal(await p.evaluate(() => window.quittance.state().updateReady), false);
  } finally {
    await browser.close();
    await own.stop();
    rmSync(web, { recursive: true, force: true });
  }
});
