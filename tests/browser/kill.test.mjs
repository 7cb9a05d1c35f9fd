// Durability of the page store (issue 9): Chromium is killed (SIGKILL, its whole process group)
// at random moments while the app commits patient after patient, then started again on the
// same profile, again and again. No commit the app had shown as saved (state().saved ===
// "saved" after it) may be missing, and the database must open with PRAGMA integrity_check = ok.
//   KILL_POINTS=200 node --test tests/browser/kill.test.mjs     (50 by default)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { newProfile, startServer } from './harness.mjs';

const killPoints = Number(process.env.KILL_POINTS || 50);
let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

// Chromium started by hand (not by Playwright) so that the test holds its process group and
// can kill it without warning; Playwright only connects to it.
async function startChromium(profile) {
  const child = spawn(process.env.CHROMIUM || '/usr/bin/chromium', [
    '--headless=new', '--no-sandbox', '--remote-debugging-port=0', `--user-data-dir=${profile}`,
    '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
    'about:blank',
  ], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const endpoint = await new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (chunk) => {
      err += chunk;
      const m = err.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`chromium exited with ${code}: ${err}`)));
    setTimeout(() => reject(new Error('chromium did not start in 20 s')), 20000).unref();
  });
  const browser = await chromium.connectOverCDP(endpoint);
  const kill = async () => {
    const exited = new Promise((r) => child.once('exit', r));
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    await exited;
    await browser.close().catch(() => {});
  };
  return { context: browser.contexts()[0], kill };
}

// The numbers of the patients the books hold, read page by page (500 at most per query).
async function patientNumbers(page) {
  const numbers = await page.evaluate(() => {
    const out = [];
    for (let offset = 0; ; offset += 500) {
      const answer = window.quittance.query({ cmd: 'patient.list', limit: 500, offset });
      if (!answer.ok) throw new Error(JSON.stringify(answer));
      for (const p of answer.result.items) out.push(Number(p.name.replace('Patient tué ', '')));
      if (answer.result.items.length < 500) return out;
    }
  });
  return new Set(numbers);
}

test(`${killPoints} kills of the browser while it writes lose no saved commit and corrupt nothing`, async () => {
  const profile = newProfile();
  let confirmed = -1;  // the highest patient number the app showed as saved
  let next = 0;        // the next number to create
  const killDelays = [];
  for (let round = 0; round < killPoints; ++round) {
    const { context, kill } = await startChromium(profile);
    try {
      const page = await context.newPage();
      await page.exposeFunction('reportSaved', (n) => { confirmed = Math.max(confirmed, n); });
      await page.goto(server.url);
      const state = await page.evaluate(() => window.quittance.ready);
      assert.equal(state.phase, 'ready', `round ${round}: the app did not start: ${JSON.stringify(state)}`);
      const check = await page.evaluate(() => window.quittance.query({ cmd: 'database.check' }));
      assert.equal(check.result?.integrity, 'ok', `round ${round}: ${JSON.stringify(check)}`);
      const present = await patientNumbers(page);
      for (let n = 0; n <= confirmed; ++n) {
        assert.ok(present.has(n), `round ${round}: patient ${n} was shown saved before a kill and is gone ` +
                                  `(${present.size} present, confirmed up to ${confirmed}: ${[...present].join(",")})`);
      }
      next = Math.max(next, confirmed + 1, ...[...present].map((n) => n + 1));

      // Commits one after the other, killed at a random moment (a commit, an IndexedDB
      // transaction under way, or between). After some, the loop waits until the app shows
      // everything saved and reports it; after the others it goes on at once, so that commits
      // are also grouped and killed in flight.
      await page.evaluate((first) => {
        (async () => {
          for (let n = first; ; ++n) {
            const answer = window.quittance.exec({ cmd: 'patient.create', id: `kill-${n}`, name: `Patient tué ${n}` });
            if (!answer.ok) throw new Error(JSON.stringify(answer));
            if (Math.random() < 0.4) {
              await window.quittance.whenSaved();
              window.reportSaved(n);
            } else {
              await new Promise((r) => setTimeout(r, Math.random() * 4));
            }
          }
        })();
      }, next);
      const delay = 20 + Math.floor(Math.random() * 300);
      killDelays.push(delay);
      await new Promise((r) => setTimeout(r, delay));
    } finally {
      await kill();
    }
  }
  // The last kill is checked too.
  const { context, kill } = await startChromium(profile);
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    assert.equal((await page.evaluate(() => window.quittance.ready)).phase, 'ready');
    assert.equal((await page.evaluate(() => window.quittance.query({ cmd: 'database.check' }))).result.integrity, 'ok');
    const present = await patientNumbers(page);
    for (let n = 0; n <= confirmed; ++n) {
      assert.ok(present.has(n), `patient ${n} lost at the last kill (${present.size} present, confirmed up to ${confirmed})`);
    }
    assert.ok(confirmed >= killPoints, `too few commits were confirmed to prove anything: ${confirmed}`);
    console.log(`# ${killPoints} kills, ${present.size} patients kept, ${confirmed + 1} shown saved; ` +
                `kill delays ${Math.min(...killDelays)}–${Math.max(...killDelays)} ms`);
  } finally {
    await kill();
  }
});
