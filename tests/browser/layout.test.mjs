// Nothing cut at the smallest window a practice uses (1024 × 768): on every desk screen of the
// demo clinic (tests/browser/screens.mjs), no widget reaches past the window's edge — a table's
// button, a settings field, a tab. Screenshots of the three sizes: node tests/browser/screens.mjs.
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
