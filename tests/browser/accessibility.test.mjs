// The accessibility tree a screen reader reads (library_a11y.js), checked as one would meet it:
// through the page's ARIA elements only, never window.quittance. axe-core on every desk screen
// and dialog of the demo clinic (tests/browser/screens.mjs); each screen's tree named in French
// (and in English after the switch), compared with the expected trees of a11y_snapshots/ and
// saved whole to test-results/a11y/ for a look; every widget of a screen reached by Tab from the
// screen's start; Enter, Escape, the shortcuts, high contrast and the skip link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { launch, newProfile, openApp, resultsDir, root, settle, startServer } from './harness.mjs';
import { decodePng } from './png.mjs';
import { visitScreens } from './screens.mjs';

const axeSource = readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
const snapshots = path.join(resultsDir, 'a11y');
// The expected trees: tests/browser/a11y_snapshots/<language>/<screen>.yml. After a deliberate
// change to a screen, rewrite them with UPDATE_SNAPSHOTS=1 and read the diff before committing.
const expectedDir = path.join(root, 'tests/browser/a11y_snapshots');
const updating = process.env.UPDATE_SNAPSHOTS === '1';

// A screen's tree without what changes with the day and the data: the main region and any
// dialog (not the navigation, the same everywhere, nor the status bar's passing state), a
// table or grid reduced to its name and headers, every number a « # » (« 1 234,56 € » is
// « #,# € »: how many payments the month holds, or an amount's digits, change with the day).
async function skeleton(page) {
  const parts = [];
  for (const region of ['main', 'dialog']) {
    const locator = page.getByRole(region);
    if (await locator.count()) parts.push(await locator.first().ariaSnapshot());
  }
  const out = [];
  let skipDeeperThan = -1;
  for (const line of parts.join('\n').split('\n')) {
    const depth = line.search(/\S/);
    if (skipDeeperThan >= 0 && depth > skipDeeperThan) {
      if (/^\s*- columnheader /.test(line)) out.push(line);
      continue;
    }
    skipDeeperThan = /^\s*- (grid|table)\b/.test(line) ? depth : -1;
    out.push(line);
  }
  return out.join('\n').replace(/\d+(?:\u202F\d{3})*/g, '#') + '\n';
}

// Compares a screen's skeleton with the expected one (or writes it when updating); returns the
// difference as text, '' when equal.
function compareSnapshot(language, name, actual) {
  const file = path.join(expectedDir, language, `${name}.yml`);
  if (updating) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return '';
  }
  let expected;
  try {
    expected = readFileSync(file, 'utf8');
  } catch {
    return `${language}/${name}: no expected tree (${path.relative(root, file)}); run with UPDATE_SNAPSHOTS=1`;
  }
  if (expected === actual) return '';
  const a = actual.split('\n'), e = expected.split('\n');
  const at = a.findIndex((line, i) => line !== e[i]);
  return `${language}/${name}: differs from line ${at + 1}: expected « ${e[at]} », got « ${a[at]} »`;
}

// The widgets a screen reader can reach now (not behind an open dialog), as « role: name »;
// `tabStops` counts a grid once (« grid 1 »), as Tab does: arrows move inside it.
async function reachable(page, { tabStops = false } = {}) {
  return page.$$eval('#a11y-tree [tabindex]', (elements, stops) => {
    const grids = [...document.querySelectorAll('#a11y-tree [role=grid]')];
    return elements
      // A disabled widget is read but is no Tab stop (« Monnaie du cabinet » once locked).
      .filter((el) => !el.closest('[aria-hidden="true"]') && !(stops && el.getAttribute('aria-disabled') === 'true'))
      .map((el) => (stops && el.closest('[role=grid]') ? `grid ${grids.indexOf(el.closest('[role=grid]')) + 1}`
        : `${el.getAttribute('role')}: ${el.getAttribute('aria-label')}`));
  }, tabStops);
}

// Where the focus is, as a screen reader would say it: a field being typed in is the text
// sink, named after the field; `inGrid` says « grid 1 » for a widget inside the first grid.
async function focused(page, { inGrid = false } = {}) {
  return page.evaluate((grid) => {
    const el = document.activeElement;
    if (!el) return '';
    if (el.id === 'text-sink') return `textbox: ${el.getAttribute('aria-label')}`;
    if (grid && el.closest('[role=grid]')) {
      return `grid ${[...document.querySelectorAll('#a11y-tree [role=grid]')].indexOf(el.closest('[role=grid]')) + 1}`;
    }
    return `${el.getAttribute('role')}: ${el.getAttribute('aria-label')}`;
  }, inGrid);
}

// Opens the app on a fresh profile with the demo clinic loaded by its own button, as a
// newcomer does (Paramètres → « Charger des données de démonstration »).
async function demoClinic(t, options = {}) {
  const server = await startServer();
  const context = await launch(newProfile(), options);
  t.after(async () => {
    await context.close();
    await server.stop();
  });
  const { page } = await openApp(context, server.url);
  await page.getByRole('link', { name: 'Paramètres' }).click();
  await page.getByRole('button', { name: 'Charger des données de démonstration' }).click();
  await page.getByRole('link', { name: 'Tableau de bord' }).click();
  await settle(page);
  for (let i = 0; i < 3; i++) {
    const later = page.getByRole('button', { name: 'Plus tard', exact: true });
    if (!(await later.count())) break;
    await later.first().click();
    await settle(page);
  }
  return page;
}

test('axe-core finds no serious or critical problem on any desk screen or dialog, and every widget has a name', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  mkdirSync(snapshots, { recursive: true });
  const problems = [];
  const screens = [];
  const context = await visitScreens(server.url, [1280, 800], async (page, name) => {
    screens.push(name);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
      problems.push(`${name}: ${v.id} (${v.help}) on ${v.nodes.slice(0, 3).map((n) => n.html).join(' | ')}`);
    }
    // Named in words: no unnamed widget, no ImGui id showing, and a title to start from.
    for (const widget of await reachable(page)) {
      if (/: (null|)$/.test(widget) || widget.includes('##')) problems.push(`${name}: badly named « ${widget} »`);
    }
    if (name === 'patient-record-edit') {
      // A field of several lines says so (Enter starts a new line there), and reads its text.
      const address = page.getByRole('textbox', { name: 'Adresse postale' });
      if (await address.getAttribute('aria-multiline') !== 'true') problems.push(`${name}: « Adresse postale » not multi-line`);
      if (!(await address.innerText()).trim()) problems.push(`${name}: « Adresse postale » reads no text`);
    }
    const tree = await page.locator('#a11y-tree').ariaSnapshot();
    if (!/heading ".+" \[level=1\]/.test(tree)) problems.push(`${name}: no title (heading of level 1)`);
    writeFileSync(path.join(snapshots, `${name}.yml`), tree);
    // The screens whose widgets do not depend on which demo patient is shown.
    if (!name.startsWith('patient') && !['deposit-form', 'online-request-form', 'payment-edit', 'refund-dialog', 'invoice-page', 'invoice-editor'].includes(name)) {
      const difference = compareSnapshot('fr', name, await skeleton(page));
      if (difference) problems.push(difference);
    }
  }, { bypassCSP: true });
  await context.close();
  assert.ok(screens.length >= 20, screens.join(', '));
  assert.deepEqual(problems, []);
});

test('each screen reads as a practitioner expects: landmarks, titles, tables, dialogs — in French, then in English', async (t) => {
  const page = await demoClinic(t);
  const tree = () => page.locator('#a11y-tree').ariaSnapshot();

  // The navigation says where one is.
  const nav = page.getByRole('navigation');
  assert.equal(await nav.getByRole('link', { name: 'Tableau de bord' }).getAttribute('aria-current'), 'page');
  await nav.getByRole('link', { name: 'Factures' }).click();
  await settle(page);
  assert.equal(await nav.getByRole('link', { name: 'Factures' }).getAttribute('aria-current'), 'page');
  assert.equal(await nav.getByRole('link', { name: 'Tableau de bord' }).getAttribute('aria-current'), null);

  // The invoice list: a title, filters as radio buttons, a table whose rows say the whole list's size.
  const main = page.getByRole('main');
  await main.getByRole('heading', { name: 'Factures', level: 1 }).waitFor();
  assert.equal(await main.getByRole('radio', { name: 'Toutes' }).getAttribute('aria-checked'), 'true');
  await main.getByRole('radio', { name: 'À payer' }).click();
  await settle(page);
  assert.equal(await main.getByRole('radio', { name: 'À payer' }).getAttribute('aria-checked'), 'true');
  assert.equal(await main.getByRole('radio', { name: 'Toutes' }).getAttribute('aria-checked'), 'false');
  const table = main.getByRole('grid');
  const count = Number(/(\d+) factures?/.exec(await main.innerText())?.[1] ?? 'NaN');
  assert.equal(Number(await table.getAttribute('aria-rowcount')), count + 1, 'rows and the header row');
  const headers = await table.getByRole('columnheader').allInnerTexts();
  assert.deepEqual(headers.map((h) => h.trim()).filter(Boolean), ['N°', 'Date', 'Patient', 'Total', 'Reste dû', 'Statut']);
  const firstRow = table.getByRole('row').nth(1);
  assert.equal(await firstRow.getAttribute('aria-rowindex'), '2');
  const cells = await firstRow.getByRole('gridcell').allInnerTexts();
  assert.match(cells[0], /^F-\d{4}-/);
  assert.match(cells[3], /^\d[\d\s\u202f]*,\d\d[\s\u202f]€$/, 'an amount with its currency');
  assert.equal(cells[5], 'À payer');

  // A dialog: named, modal, the rest of the app out of reach until it closes by Escape.
  await firstRow.getByRole('button', { name: 'Payer', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.getAttribute('aria-label'), /^Payer la facture F-/);
  assert.equal(await dialog.getAttribute('aria-modal'), 'true');
  assert.equal(await page.getByRole('navigation').count(), 0, 'the navigation is hidden behind the dialog');
  const type = dialog.getByRole('combobox', { name: 'Type de paiement' });
  assert.equal(await type.getAttribute('aria-expanded'), 'false');
  assert.ok((await type.innerText()).length > 0, 'the combo says what it shows');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('navigation').waitFor();

  // In English after the switch, the same tree in English words.
  await nav.getByRole('link', { name: 'Paramètres' }).click();
  await page.getByRole('radio', { name: 'English' }).click();
  await settle(page);
  await nav.getByRole('link', { name: 'Invoices' }).click();
  await main.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor();
  const english = await tree();
  for (const words of ['link "Dashboard"', 'link "Payments"', 'link "Settings"', 'radio "All"', 'columnheader "Total"']) {
    assert.ok(english.includes(words), `${words} in\n${english}`);
  }
  assert.ok(!english.includes('Factures'), english);
  const differences = [compareSnapshot('en', 'invoices', await skeleton(page))];
  await nav.getByRole('link', { name: 'Settings' }).click();
  await main.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  differences.push(compareSnapshot('en', 'settings-practice', await skeleton(page)));
  assert.deepEqual(differences.filter(Boolean), []);
  await page.getByRole('radio', { name: 'Français' }).click();
  await nav.getByRole('link', { name: 'Factures' }).waitFor();
});

test('by keyboard alone: Tab reaches every widget of each screen from its start, Enter presses, Escape closes', async (t) => {
  const page = await demoClinic(t);
  const nav = page.getByRole('navigation');
  for (const section of ['Tableau de bord', 'Patients', 'Factures', 'Paiements', 'Communications', 'Paramètres']) {
    await nav.getByRole('link', { name: section }).click();
    await settle(page);
    // From the screen's start: its link in the navigation has the focus.
    assert.equal(await focused(page), `link: ${section}`);
    const expected = new Set(await reachable(page, { tabStops: true }));
    const met = [];
    const presses = expected.size * 2 + 10;
    for (let i = 0; i < presses && [...expected].some((w) => !met.includes(w)); i++) {
      await page.keyboard.press('Tab');
      await settle(page);
      met.push(await focused(page, { inGrid: true }));
    }
    const missed = [...expected].filter((w) => !met.includes(w));
    assert.deepEqual(missed, [], `${section}: not reached by Tab, which went through ${met.join(' → ')}`);
    // Shift+Tab goes back the same way.
    const here = await focused(page);
    await page.keyboard.press('Tab');
    await settle(page);
    await page.keyboard.press('Shift+Tab');
    await settle(page);
    assert.equal(await focused(page), here, `${section}: Shift+Tab comes back`);
  }

  // Enter on a focused link opens its section; arrows move through a grid's rows.
  await nav.getByRole('link', { name: 'Factures' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('main').getByRole('heading', { name: 'Factures', level: 1 }).waitFor();
  await page.getByRole('grid').getByRole('button', { name: 'N°' }).focus();
  await settle(page);
  const rows = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('ArrowDown');
    await settle(page);
    rows.push(await focused(page));
  }
  assert.equal(new Set(rows).size, 4, rows.join(' → '));
  for (const row of rows) assert.match(row, /^button: F-\d{4}-/);

  // In a dialog, Tab stays inside; Escape closes it.
  await page.getByRole('button', { name: 'Payer', exact: true }).first().focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await settle(page);  // a dialog sizes itself to its content over its first frames
  const inside = new Set(await dialog.locator('[tabindex]').evaluateAll((els) => els.map((el) => `${el.getAttribute('role')}: ${el.getAttribute('aria-label')}`)));
  for (let i = 0; i < inside.size + 2; i++) {
    await page.keyboard.press('Tab');
    await settle(page);
    const at = await focused(page);
    assert.ok(inside.has(at), `the focus left the dialog for « ${at} »`);
  }
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  // The shortcuts: Alt+P « Payer » on an invoice's page, Alt+N « Nouvelle facture » on a
  // patient's; their buttons say so.
  await page.getByRole('grid').getByRole('button', { name: /^F-\d{4}-/ }).first().press('Enter');
  await page.getByRole('heading', { name: /^Facture F-\d{4}-/, level: 1 }).waitFor();
  const pay = page.getByRole('button', { name: 'Payer', exact: true });
  assert.equal(await pay.getAttribute('aria-keyshortcuts'), 'Alt+P');
  await page.keyboard.press('Alt+P');
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Voir le patient' }).press('Enter');
  await page.keyboard.press('Alt+N');
  await page.getByRole('textbox', { name: 'Libellé', exact: true }).first().waitFor();
});

test('low vision: high contrast from the system or by choice, kept by the device; a skip link to the screen', async (t) => {
  // A system asking for more contrast gets the high-contrast palette at once (white screen).
  const page = await demoClinic(t, { contrast: 'more' });
  const screen = async () => {
    const img = decodePng(await page.screenshot());
    const i = (600 * img.width + 100) * img.channels;  // the navigation panel, below its links
    return [img.pixels[i], img.pixels[i + 1], img.pixels[i + 2]].join(',');
  };
  await page.getByRole('link', { name: 'Patients' }).click();
  await settle(page);
  assert.equal(await screen(), '255,255,255');
  await page.getByRole('link', { name: 'Paramètres' }).click();
  const box = page.getByRole('checkbox', { name: /^Contraste élevé/ });
  assert.equal(await box.getAttribute('aria-checked'), 'true');

  // Turned off by the practitioner: the standard palette, kept after a reload despite the system.
  await box.press('Space');
  await settle(page);
  assert.equal(await box.getAttribute('aria-checked'), 'false');
  await page.reload();
  await page.evaluate(() => window.quittance.ready);
  await settle(page);
  assert.equal(await screen(), '235,240,247');

  // The first Tab of the page offers « Aller au contenu principal »; Enter goes to the screen.
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Aller au contenu principal' });
  assert.equal(await skip.evaluate((el) => el === document.activeElement), true);
  await page.keyboard.press('Enter');
  await settle(page);
  assert.equal(await page.evaluate(() => Boolean(document.activeElement.closest('[role=main]'))), true,
    'the focus is on the screen, past the navigation');
});
