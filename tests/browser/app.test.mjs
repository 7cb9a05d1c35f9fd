// The app shell in a real browser: it loads from quittance-server, renders French text on
// WebGL2, runs commands through window.quittance, takes text as a French keyboard types it,
// and stays idle when nothing happens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appSession, launch, newProfile, openApp, click, settle, labels, eventually, waitForLabels, resultsDir } from './harness.mjs';
import { decodePng, distinctColours } from './png.mjs';

const app = appSession();
let server, context, page;

before(async () => {
  await app.start();
  ({ server, context, page } = app);
});
after(app.stop);

test('loads, reaches the ready state and draws French text on the canvas', async () => {
  const state = await page.evaluate(() => window.quittance.state());
  assert.equal(state.phase, 'ready');
  assert.equal(state.language, 'fr');
  const firstFrameMs = await page.evaluate(() => window.quittance.firstFrameMs);
  assert.ok(firstFrameMs > 0);
  console.log(`navigation to first frame: ${Math.round(firstFrameMs)} ms`);

  // A new profile's database is being written for the first time: wait until it is durable.
  await page.evaluate(() => window.quittance.whenSaved());
  await settle(page);
  const shown = await labels(page);
  for (const expected of ['Tableau de bord', 'Patients', 'Factures', 'Paiements', 'Communications', 'Paramètres', 'Enregistré']) {
    assert.ok(shown.includes(expected), `"${expected}" not on screen: ${shown.join(' | ')}`);
  }

  const file = path.join(resultsDir, 'app-dashboard.png');
  await page.screenshot({ path: file });
  const img = decodePng(readFileSync(file));
  // The navigation title "Quittance" and the dashboard heading are drawn as anti-aliased text:
  // many colours where they stand; a blank or unrendered canvas has one.
  const title = (await page.evaluate(() => window.quittance.ui())).find((w) => w.label === 'Quittance');
  assert.ok(distinctColours(img, Math.round(title.x), Math.round(title.y), Math.round(title.w), Math.round(title.h)) > 8,
    'the title area is blank');
  assert.ok(distinctColours(img, 0, 0, img.width, img.height) > 20, 'the screenshot is blank');
  assert.deepEqual(page.pageErrors, []);
});

test('exec and query round-trip through the command layer; bad commands get JSON errors', async () => {
  const set = await page.evaluate(() => window.quittance.exec({ cmd: 'settings.set', id: 'siret-1', key: 'practice.siret', value: '123 456 789 00012' }));
  assert.deepEqual(set, { ok: true, result: { key: 'practice.siret', value: '12345678900012' } });
  const got = await page.evaluate(() => window.quittance.query('{"cmd":"settings.get","key":"practice.siret"}'));
  assert.deepEqual(got, { ok: true, result: '12345678900012' });
  const bad = await page.evaluate(() => window.quittance.exec({ cmd: 'settings.set', id: 'siret-2', key: 'practice.siret', value: '123' }));
  assert.equal(bad.error.code, 'invalid_argument');

  const unknown = await page.evaluate(() => window.quittance.exec({ cmd: 'no.such' }));
  assert.equal(unknown.error.code, 'unknown_command');
  const malformed = await page.evaluate(() => window.quittance.exec('{"cmd":'));
  assert.equal(malformed.error.code, 'malformed_json');
  const writeByQuery = await page.evaluate(() => window.quittance.query({ cmd: 'settings.set', id: 'q-1', key: 'ui.language', value: 'en' }));
  assert.equal(writeByQuery.error.code, 'not_a_query');
  await page.evaluate(() => window.quittance.whenSaved());
});

test('a dead key (^ then e) and pasted text arrive intact in a field', async () => {
  await click(page, 'Paramètres');
  await click(page, 'Nom du cabinet');
  await page.keyboard.type('Cabinet Cr');
  // What Chromium receives from a French keyboard's dead circumflex: a key "Dead", a
  // composition showing "^", then the composed character.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Dead', code: 'BracketLeft', windowsVirtualKeyCode: 229 });
  await cdp.send('Input.imeSetComposition', { text: '^', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Dead', code: 'BracketLeft', windowsVirtualKeyCode: 229 });
  await cdp.send('Input.insertText', { text: 'ê' });
  await page.keyboard.type('te');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await page.evaluate(() => navigator.clipboard.writeText(' — « Œdipe » & çà'));
  await page.keyboard.press('Control+V');
  await settle(page);
  await click(page, 'Enregistrer');
  const saved = await page.evaluate(() => window.quittance.query({ cmd: 'settings.get', key: 'practice.name' }));
  assert.equal(saved.result, 'Cabinet Crête — « Œdipe » & çà');
  assert.ok((await labels(page)).includes('Informations du cabinet enregistrées.'));
  await page.screenshot({ path: path.join(resultsDir, 'app-settings.png') });
});

test('the English switch changes every visible string, and back', async () => {
  await click(page, 'Paramètres');
  await click(page, 'English');
  try {
    // « Saved » comes once the storage flush that follows the switch has ended.
    const shown = await waitForLabels(page, ['Dashboard', 'Invoices', 'Settings', 'Practice name', 'Save', 'Saved']);
    assert.ok(!shown.includes('Tableau de bord'));
    assert.equal((await page.evaluate(() => window.quittance.state())).language, 'en');
  } finally {
    // Back to French even on failure: the tests after this one click French labels.
    await click(page, 'Français');
  }
  await waitForLabels(page, ['Tableau de bord']);
});

test('an idle tab draws no frames', async () => {
  await page.mouse.move(900, 600);  // away from any text field: no blinking cursor
  await click(page, 'Patients');
  await page.waitForTimeout(300);
  const before = (await page.evaluate(() => window.quittance.state())).frames;
  await page.waitForTimeout(1500);
  const after = (await page.evaluate(() => window.quittance.state())).frames;
  assert.ok(after - before <= 1, `drew ${after - before} frames in 1.5 s of idleness`);
});

test('a frame like the one shown is not sent to the canvas again', async () => {
  await click(page, 'Patients');
  await page.mouse.move(900, 600);
  await settle(page);
  const state = () => page.evaluate(() => window.quittance.state());
  const before = await state();
  assert.equal(typeof before.framesShown, 'number');
  await page.mouse.move(902, 601);  // over nothing: the frames it asks for draw the same picture
  await settle(page);
  const still = await state();
  assert.ok(still.frames > before.frames, 'the move drew no frame');
  assert.equal(still.framesShown, before.framesShown, 'a picture like the last one went to the canvas');
  const w = (await page.evaluate(() => window.quittance.ui())).find((x) => x.label === 'Factures');
  await page.mouse.move(w.x + w.w / 2, w.y + w.h / 2);  // the button's hover colour: a new picture
  await settle(page);
  assert.ok((await state()).framesShown > still.framesShown, 'the hovered button was not shown');
});

test('copy from a field goes to the system clipboard', async () => {
  await click(page, 'Paramètres');
  await click(page, 'Nom du cabinet');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+C');
  const saved = await page.evaluate(() => window.quittance.query({ cmd: 'settings.get', key: 'practice.name' }));
  // The page writes the clipboard asynchronously (navigator.clipboard.writeText).
  await eventually(async () => (await page.evaluate(() => navigator.clipboard.readText())) === saved.result,
                   { what: `the clipboard holding "${saved.result}"` });
  await page.keyboard.press('Escape');
});

test('the status bar follows the network state', async () => {
  await context.setOffline(true);
  await waitForLabels(page, ['○ Hors ligne']);
  await context.setOffline(false);
  await waitForLabels(page, ['● En ligne']);
});

test('on a HiDPI screen the canvas has device pixels, the layout CSS pixels', async () => {
  const hidpi = await launch(newProfile(), { deviceScaleFactor: 2 });  // closed in finally
  try {
    const { page: p } = await openApp(hidpi, server.url);
    const size = await p.evaluate(() => {
      const c = document.getElementById('canvas');
      return { width: c.width, height: c.height, cssWidth: c.clientWidth, cssHeight: c.clientHeight };
    });
    assert.equal(size.width, size.cssWidth * 2);
    assert.equal(size.height, size.cssHeight * 2);
    // Widgets are where the CSS layout says, whatever the pixel ratio.
    const nav = (await p.evaluate(() => window.quittance.ui())).find((w) => w.label === 'Paramètres');
    assert.ok(nav.x < 230 && nav.y < 400, JSON.stringify(nav));
    await p.screenshot({ path: path.join(resultsDir, 'app-hidpi.png') });
  } finally {
    await hidpi.close();
  }
});
