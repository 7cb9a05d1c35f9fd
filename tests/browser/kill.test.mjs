// Durability of the page store (issues 9 and 28): Chromium is killed (SIGKILL, its whole process
// group) at random moments while the app commits patient after patient, then started again on
// the same profile, again and again. No commit the app had shown as saved (state().saved ===
// "saved" after it) may be missing, the database must open with PRAGMA integrity_check = ok, and
// no start may come up on empty books in silence. Chromium deleting its IndexedDB (a kill tore
// its LevelDB log) is counted apart: the books are in OPFS, so it must cost nothing.
//   KILL_POINTS=200 node --test tests/browser/kill.test.mjs     (50 by default)
//   scripts/kill-campaign 1000                                  (the campaign, docs/storage.md)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { eventually, newProfile, settle, startServer, widget } from './harness.mjs';

const killPoints = Number(process.env.KILL_POINTS || 50);
const progressFile = process.env.KILL_PROGRESS;  // a line per round appended there (scripts/kill-campaign)
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
  let err = '';  // Chromium's own log, told when a check fails
  const endpoint = await new Promise((resolve, reject) => {
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
    const exited = child.exitCode !== null || child.signalCode !== null ? null : new Promise((r) => child.once('exit', r));
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    await exited;
    await browser.close().catch(() => {});
  };
  return { context: browser.contexts()[0], kill, log: () => err };
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

// What the page store holds (meta and chunk count), for the message of a failed check.
async function storeState(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('quittance-pages');
    open.onerror = () => resolve(`cannot open: ${open.error}`);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('meta')) return resolve('no stores');
      const tx = db.transaction(['pages', 'meta'], 'readonly');
      const meta = tx.objectStore('meta').get('file');
      const count = tx.objectStore('pages').count();
      tx.oncomplete = () => resolve(`meta ${JSON.stringify(meta.result)}, ${count.result} chunks`);
    };
  }));
}

const kChromiumWiped = 'IndexedDB recovering from a corrupted (and deleted) database';

test(`${killPoints} kills of the browser while it writes lose no saved commit and corrupt nothing`, async () => {
  const profile = newProfile();
  let confirmed = -1;  // the highest patient number the app showed as saved
  let next = 0;        // the next number to create
  const killDelays = [];
  const tally = {
    wipes: [],         // starts where Chromium's log says it deleted its IndexedDB
    reported: [],      // starts where the app said the books were lost (error.storage_lost)
    silent: [],        // starts on empty books while some were shown saved: never allowed
    lost: [],          // patients shown saved and missing at a start: never allowed
    damaged: [],       // starts whose database failed PRAGMA integrity_check: never allowed
  };
  let previousLog = '';
  // killPoints kills, then one last start to check the last of them.
  for (let round = 0; round <= killPoints; ++round) {
    const { context, kill, log } = await startChromium(profile);
    try {
      const page = await context.newPage();
      await page.exposeFunction('reportSaved', (n) => { confirmed = Math.max(confirmed, n); });
      await page.goto(server.url);
      let state = await page.evaluate(() => window.quittance.ready);
      if (log().includes(kChromiumWiped)) tally.wipes.push(round);
      if (state.failure === 'error.storage_lost') {
        // Said, not silent; but books shown saved are gone: counted, started over, and on.
        tally.reported.push(round);
        for (let n = 0; n <= confirmed; ++n) tally.lost.push(n);
        for (const label of ['Repartir sans données dans ce navigateur', 'Oui, repartir avec un cabinet vide']) {
          const button = await widget(page, label);
          await page.mouse.click(button.x + button.w / 2, button.y + button.h / 2);  // the second reloads at once
          if (label.startsWith('Repartir')) await settle(page);  // the confirmation's frame
        }
        state = await eventually(async () => {
          const s = await page.evaluate(() => window.quittance.state()).catch(() => ({}));
          return s.phase === 'ready' && s;
        }, { timeout: 15000, what: 'started over' });
        confirmed = -1;
        next += 1000;
      }
      assert.equal(state.phase, 'ready', `round ${round}: the app did not start: ${JSON.stringify(state)}`);
      const check = await page.evaluate(() => window.quittance.query({ cmd: 'database.check' }));
      if (check.result?.integrity !== 'ok') {
        tally.damaged.push(round);
        console.log(`round ${round}: ${JSON.stringify(check)}\nChromium's log:\n${log().slice(-3000)}`);
        break;  // nothing more can be learnt from books SQLite finds damaged
      }
      const present = await patientNumbers(page);
      if (present.size === 0 && confirmed >= 0) tally.silent.push(round);
      const missing = [...Array(confirmed + 1).keys()].filter((n) => !present.has(n));
      if (missing.length) {
        tally.lost.push(...missing);
        console.log(`round ${round}: patients ${missing.slice(0, 10).join(', ')} were shown saved before a kill ` +
                    `and are gone (${present.size} present, confirmed up to ${confirmed}); the IndexedDB store holds ` +
                    `${await storeState(page)}.\nChromium's log before that kill:\n${previousLog.slice(-3000)}\n` +
                    `# Chromium's log now:\n${log().slice(-3000)}`);
        confirmed = Math.max(-1, ...[...present]);  // from what is there, so that each loss is counted once
      }
      next = Math.max(next, confirmed + 1, ...[...present].map((n) => n + 1));
      if (progressFile) {
        appendFileSync(progressFile, `${new Date().toISOString()} round ${round}: ${present.size} patients, ` +
          `wipes ${tally.wipes.length}, reported ${tally.reported.length}, silent ${tally.silent.length}, ` +
          `lost ${tally.lost.length}\n`);
      }
      if (round === killPoints) break;

      // Commits one after the other, killed at a random moment (a commit, a store write under
      // way, or between). After some, the loop waits until the app shows everything saved and
      // reports it; after the others it goes on at once, so that commits are also grouped and
      // killed in flight.
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
      previousLog = log();
    }
  }
  const rounds = (list) => `${list.length}${list.length ? ` (rounds ${list.slice(0, 20).join(', ')})` : ''}`;
  console.log(`${killPoints} kills (delays ${Math.min(...killDelays)}–${Math.max(...killDelays)} ms), ` +
              `${next} patients created, ${confirmed + 1} shown saved since the last start-over`);
  console.log(`Chromium deleted its IndexedDB: ${rounds(tally.wipes)}`);
  console.log(`losses the app reported: ${rounds(tally.reported)}; silent starts: ${rounds(tally.silent)}`);
  console.log(`acknowledged commits lost: ${tally.lost.length}; damaged databases: ${rounds(tally.damaged)}`);
  assert.deepEqual(tally.damaged, [], 'a kill left a database SQLite finds damaged');
  assert.deepEqual(tally.silent, [], 'a start came up on empty books in silence');
  assert.equal(tally.lost.length, 0, `commits shown saved were lost: ${tally.lost.slice(0, 20).join(', ')}`);
  assert.ok(confirmed >= 10 || tally.reported.length, `too few commits were confirmed to prove anything: ${confirmed}`);
});
