// Nothing cut at the smallest window a practice uses (1024 × 768), nor at 200 % text on a
// 1280 × 800 desk (Paramètres → « Taille du texte », laid out in 640 × 400): on every desk
// screen of the demo clinic (tests/browser/screens.mjs), no widget reaches past the window's
// edge — a table's button, a settings field, a tab. Screenshots of the sizes:
// node tests/browser/screens.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { outsideTheWindow, sizes, visitScreens } from './screens.mjs';

test('at 1024 × 768 every desk screen fits the window', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const outside = [];
  const screens = [];
  const context = await visitScreens(server.url, sizes[0], async (page, name) => {
    screens.push(name);
    outside.push(...await outsideTheWindow(page, name));
  });
  await context.close();
  assert.ok(screens.length >= 20, screens.join(', '));
  assert.deepEqual(outside, []);
});

test('at 200 % text on 1280 × 800 every desk screen reflows into the window', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const outside = [];
  const screens = [];
  let dashboard;
  const context = await visitScreens(server.url, [1280, 800], async (page, name) => {
    screens.push(name);
    outside.push(...await outsideTheWindow(page, name));
    if (name === 'dashboard') dashboard = await page.evaluate(() => window.quittance.ui());
    if (name === 'invoices') {
      // The accessibility tree is zoomed too: a field's element lies over the field drawn.
      const field = (await page.evaluate(() => window.quittance.ui()))
        .find((w) => w.role === 'textbox' && w.label === 'Rechercher (numéro ou patient)');
      const element = await page.getByRole('textbox', { name: 'Rechercher (numéro ou patient)' }).boundingBox();
      for (const [a, b] of [[field.x, element.x], [field.y, element.y], [field.w, element.width], [field.h, element.height]]) {
        assert.ok(Math.abs(a - b) <= 1, `field ${JSON.stringify(field)}, element ${JSON.stringify(element)}`);
      }
    }
  }, { textSize: 200 });
  await context.close();
  assert.ok(screens.length >= 20, screens.join(', '));
  assert.deepEqual(outside, []);
  // The text is twice its size (the title's 24-pixel font in a box 48 pixels tall), and the
  // navigation, with no room left of the screens, runs across the top, above the title.
  const title = dashboard.find((w) => w.label === 'Tableau de bord' && w.role === 'heading');
  assert.ok(title && title.h >= 47, JSON.stringify(title));
  const nav = dashboard.filter((w) => w.role === 'link');
  assert.equal(nav.length, 6);
  assert.ok(nav.every((w) => w.y + w.h <= title.y), JSON.stringify(nav));
});
