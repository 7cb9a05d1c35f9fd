// Shared set-up for the browser tests: a real quittance-server serving build/web (or
// $QUITTANCE_WEB_DIR) on a free loopback port, Debian's Chromium driven by playwright-core, and
// helpers that act on the app the way a user does (clicking widgets found by their visible label).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const resultsDir = path.join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });

export const serverBinary = path.join(root, 'build/native/quittance-server');
export const cliBinary = path.join(root, 'build/native/quittance-cli');

// The web folder served: build/web, or another build's (QUITTANCE_WEB_DIR, relative to the
// repository or absolute).
export const webDir = path.resolve(root, process.env.QUITTANCE_WEB_DIR || 'build/web');

// Starts quittance-server and resolves with { url, data, stop() } once it listens. Options:
// port (default 0: any), data (a folder; default a fresh one), env (added to the environment).
export async function startServer({ port = 0, data, env = {}, web = webDir } = {}) {
  data = data || mkdtempSync(path.join(tmpdir(), 'quittance-server-'));
  const server = spawn(serverBinary,
    ['--port', String(port), '--data', data, '--web', web],
    // Emails at any hour: the tests run whenever (the window has its own tests, mail_scheduler_test).
    { stdio: ['ignore', 'pipe', 'inherit'], env: { MAIL_HOURS: '0-24', ...process.env, ...env } });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`quittance-server exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error('quittance-server did not start in 10 s')), 10000);
  });
  return {
    url,
    data,
    // `keepData`: the data folder stays, for a server started again on it.
    async stop({ keepData = false } = {}) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
      if (!keepData) rmSync(data, { recursive: true, force: true });
    },
  };
}

// Headless Chromium with WebGL2 through SwiftShader, and no background traffic (the machine
// has no network). A persistent profile folder makes IndexedDB survive a browser restart.
// A server whose data holds one clinic (`name`), stopped and removed after the test `t`, and a
// pairing code for it: { server, code }. Open `${server.url}#pair=${code}` to pair a browser.
export async function pairedClinic(t, name) {
  const data = mkdtempSync(path.join(tmpdir(), 'quittance-server-'));
  execFileSync(serverBinary, ['create-clinic', '--name', name, '--data', data]);
  const server = await startServer({ data });
  t.after(async () => {
    await server.stop();
    rmSync(data, { recursive: true, force: true });
  });
  const { code } = JSON.parse(execFileSync(serverBinary, ['pairing-code', '--data', data]).toString());
  return { server, code };
}

export async function launch(profileDir, options = {}) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-quic'],
    ...options,
  });
}

export function newProfile() {
  return mkdtempSync(path.join(tmpdir(), 'quittance-profile-'));
}

// Opens the app and waits for window.quittance.ready; returns { page, state }.
export async function openApp(context, url, { init } = {}) {
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (init) await page.addInitScript(init);
  await page.goto(url);
  // A start that takes a downloaded update reloads the page on it (boot.js): the page asked
  // first is gone, the one after it is asked again.
  let state;
  for (let attempt = 0; ; attempt++) {
    try {
      state = await page.evaluate(() => window.quittance.ready);
      break;
    } catch (e) {
      if (attempt >= 3 || !/Execution context was destroyed/.test(e.message)) throw e;
      await page.waitForLoadState('load');
    }
  }
  page.pageErrors = errors;
  return { page, state };
}

// A server, a browser on a fresh profile and the app opened in it, for a test file's hooks:
// `const app = appSession(); before(app.start); after(app.stop);` then app.page, app.context.
export function appSession() {
  const session = {
    async start() {
      session.server = await startServer();
      session.context = await launch(newProfile());
      ({ page: session.page } = await openApp(session.context, session.server.url));
    },
    async stop() {
      await session.context?.close();
      await session.server?.stop();
    },
  };
  return session;
}

// The widget whose visible label is `label` (or whose full ImGui key is), from the last frame.
// An interactive widget wins over a text with the same words (a field and its label above it).
// Only what is in view is drawn: a widget below (or above) the fold is scrolled to, with the
// mouse wheel over the screen's scroll bar, as a user would.
export async function widget(page, label) {
  const { height } = page.viewportSize();
  const find = async () => {
    const widgets = await page.evaluate(() => window.quittance.ui());
    const matches = widgets.filter((w) => w.label === label || w.key === label);
    const found = matches.find((w) => w.kind !== 'text') || matches[0];
    // Whole, and either above the status bar (the bottom 30 pixels) or in it: not half hidden
    // under it.
    const inView = found && found.y >= 0 && found.y + found.h <= height &&
      (found.y + found.h <= height - 30 || found.y >= height - 30);
    return { widgets, found: inView ? found : undefined };
  };
  let { widgets, found } = await find();
  for (const [steps, dy] of [[8, 300], [16, -300]]) {
    for (let i = 0; !found && i < steps; i++) {
      await scroll(page, dy);
      ({ widgets, found } = await find());
    }
  }
  if (!found) {
    throw new Error(`no widget "${label}" among: ${widgets.map((w) => w.label).join(' | ')}`);
  }
  return found;
}

export async function click(page, label) {
  const w = await widget(page, label);
  if (!w.enabled) throw new Error(`widget "${label}" is disabled`);
  await page.mouse.click(w.x + w.w / 2, w.y + w.h / 2);
  await settle(page);
}

// The safety notices (the day's backup from 17:00, the browser's persistence) come and go with
// the hour and the browser: a test that reads a whole screen puts them off first, as a user would.
export async function putOffNotices(page) {
  for (let i = 0; i < 3 && (await labels(page)).includes('Plus tard'); i++) await click(page, 'Plus tard');
}

// Waits for the frames that follow an input to be drawn, and for the accessibility tree to
// show them (it is busy while a structure still changing waits to be sent: a11y_bridge.cpp).
export async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(r)))));
  await page.waitForFunction(() => !document.getElementById('a11y-tree')?.hasAttribute('aria-busy'), null, { polling: 20 });
}

export async function labels(page) {
  return (await page.evaluate(() => window.quittance.ui())).map((w) => w.label);
}

// Polls `probe` until it returns a truthy value, for what ends in the browser's own time (a
// storage flush, the clipboard, an online event): a slower machine must not turn them red.
export async function eventually(probe, { timeout = 5000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// One turn of the mouse wheel over the screen's scroll bar (down for dy > 0).
export async function scroll(page, dy) {
  const { width, height } = page.viewportSize();
  await page.mouse.move(width - 6, height / 2);
  await page.mouse.wheel(0, dy);
  await settle(page);
}

// Polls `find(labels)` until it returns a truthy value, which it returns. Only what is in view
// is drawn: between two looks the screen is scrolled, six turns down then twelve up, so a text
// below the fold is read as a user reads it.
export async function findOnScreen(page, find, { timeout = 5000, what = 'text' } = {}) {
  const deadline = Date.now() + timeout;
  const turns = [...Array(6).fill(300), ...Array(12).fill(-300)];
  for (let i = 0; ; i++) {
    const shown = await labels(page);
    const found = find(shown);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`${what} not on screen: ${shown.join(' | ')}`);
    if (i % 2 === 1) await scroll(page, turns[(i >> 1) % turns.length]);
    else await new Promise((r) => setTimeout(r, 50));
  }
}

// Waits until every one of `texts` has been on screen (scrolled to if needed); returns the
// labels of the last look. The error names what is missing and lists what the screen shows.
export async function waitForLabels(page, texts, { timeout = 5000 } = {}) {
  const seen = new Set();
  let last = [];
  try {
    await findOnScreen(page, (shown) => {
      last = shown;
      for (const t of texts) if (shown.includes(t)) seen.add(t);
      return texts.every((t) => seen.has(t));
    }, { timeout });
  } catch {
    const missing = texts.filter((t) => !seen.has(t));
    throw new Error(`${missing.map((t) => `"${t}"`).join(', ')} not on screen: ${last.join(' | ')}`);
  }
  return last;
}

// The page's command layer (window.quittance.exec / query), as the tests set up their data.
export const exec = (page, cmd) => page.evaluate((c) => window.quittance.exec(c), cmd);
export const query = (page, cmd) => page.evaluate((c) => window.quittance.query(c), cmd);

// Runs a writing command that must succeed (test set-up); returns its result.
export async function run(page, cmd) {
  const answer = await exec(page, cmd);
  assert.equal(answer.ok, true, JSON.stringify(answer));
  return answer.result;
}

// A calendar day `n` days before today in the practice's time zone (Europe/Paris unless a test
// sets another), as ISO "2026-12-07" and as a French date field shows it, "07/12/2026". The
// machine running the tests may be in UTC: near midnight its day is not the practice's.
export function practiceDay(n = 0, zone = 'Europe/Paris') {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  const iso = d.toISOString().slice(0, 10);
  return { iso, fr: iso.split('-').reverse().join('/'), year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)) };
}

// "1 234,56 €" as the interface writes it: narrow no-break spaces between thousands, a
// no-break space before the euro sign.
export function euros(minor) {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202F');
  return `${sign}${whole},${String(abs % 100).padStart(2, '0')}\u00A0€`;
}

// Clicks the field labelled `label`, replaces its text with `text`, as a user types it.
export async function type(page, label, text) {
  await click(page, label);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
  await settle(page);
}
