// The seed-000 day at the desk as a blind practitioner plays it with a screen reader: every
// step through the accessibility tree's roles and names (getByRole) and the keyboard — a field
// is focused and typed into, a button focused and pressed with Enter, a list opened and an
// entry chosen the same way — never a click at a position, never window.quittance. The books
// are checked as the practitioner hears them: the announcements and the tables' cells.
// Set-up, a new patient, an invoice of two sessions issued, a partial payment, a deposit, the
// account's credit applied, a credit note issued and applied, a refund by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { launch, newProfile, openApp, resultsDir, settle, startServer } from './harness.mjs';

test('a day at the desk with a screen reader: roles, names and the keyboard only', async (t) => {
  const server = await startServer();
  const context = await launch(newProfile());
  t.after(async () => {
    await context.close();
    await server.stop();
  });
  const { page } = await openApp(context, server.url);
  page.setDefaultTimeout(10000);
  const main = page.getByRole('main');

  // Amounts are written with no-break spaces (« 1 000,00 € »): compared with plain ones.
  const plain = (text) => text.replace(/[\u00a0\u202f]/g, ' ').trim();
  // What a screen reader does: move to a widget, then press or type.
  const fill = async (scope, name, text) => {
    await scope.getByRole('textbox', { name, exact: true }).focus();
    await settle(page);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
    await settle(page);
  };
  const press = async (scope, role, name) => {
    await scope.getByRole(role, { name, exact: true }).first().press('Enter');
    await settle(page);
  };
  const choose = async (scope, comboName, option) => {
    await press(scope, 'combobox', comboName);
    await press(page.getByRole('listbox'), 'option', option);
  };
  // The polite announcements since the last look, as heard: what the live region was given
  // (it keeps only its last few).
  await page.evaluate(() => {
    window.heard = [];
    new MutationObserver((changes) => changes.forEach((c) => c.addedNodes.forEach((n) => window.heard.push(n.textContent))))
      .observe(document.getElementById('a11y-status'), { childList: true });
  });
  const announcements = async () => plain((await page.evaluate(() => window.heard.splice(0))).join(' | '));
  // Waits until the screen reader has been told `text`.
  const said = (text) => page.locator('#a11y-status p', { hasText: text }).first().waitFor({ state: 'attached' });
  const cellsOfRow = async (grid, first) => {
    const row = grid.getByRole('row').filter({ has: page.getByRole('gridcell', { name: first, exact: true }) });
    return (await row.first().getByRole('gridcell').allTextContents()).map(plain);
  };

  // On a failure, the tree as it was is in test-results/screen-reader-day.yml.
  try {
    await playDay();
  } catch (e) {
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(path.join(resultsDir, 'screen-reader-day.yml'), await page.locator('#a11y-tree').ariaSnapshot());
    throw e;
  }

  async function playDay() {
  // The practice's identity, which every invoice carries.
  await press(page, 'link', 'Paramètres');
  await fill(main, 'Nom du cabinet', 'Cabinet du Parc');
  await fill(main, 'Adresse du cabinet', '8 allée du Parc, 69006 Lyon');
  await fill(main, 'SIRET (14 chiffres)', '81234567600017');
  await press(main, 'button', 'Enregistrer');
  await said('Informations du cabinet enregistrées.');

  // A new patient, found again by the search.
  await press(page, 'link', 'Patients');
  await press(main, 'button', 'Nouveau patient');
  await fill(main, 'Prénom', 'Léa');
  await fill(main, 'Nom', 'Martin');
  await fill(main, 'E-mail', 'lea@example.fr');
  await press(main, 'button', 'Créer le patient');
  await main.getByRole('heading', { name: 'Léa Martin', level: 1 }).waitFor();
  await press(main, 'button', '← Patients');
  await fill(main, 'Rechercher un patient', 'mart');
  await press(main.getByRole('grid'), 'button', 'Léa Martin');
  await main.getByRole('heading', { name: 'Léa Martin', level: 1 }).waitFor();

  // An invoice of two sessions at 50 €, issued.
  await press(main, 'button', 'Nouvelle facture');
  await fill(main, 'Libellé', 'Séance de kinésithérapie');
  await fill(main, 'Quantité', '2');
  await fill(main, 'Prix unitaire', '50');
  await press(main, 'button', 'Émettre');
  const invoices = main.getByRole('grid').first();
  await invoices.getByRole('gridcell', { name: /^F-\d{4}-/ }).first().waitFor();
  const number = (await invoices.getByRole('gridcell', { name: /^F-\d{4}-/ }).first().textContent()).trim();
  let cells = await cellsOfRow(invoices, number);
  assert.ok(cells.includes('100,00 €'), cells.join(' | '));

  // 30 € in cash: the announcement says what is left.
  await announcements();
  await press(invoices.getByRole('row').filter({ hasText: number }), 'button', 'Payer');
  const pay = page.getByRole('dialog');
  await choose(pay, 'Type de paiement', 'Espèces');
  await fill(pay, 'Montant', '30');
  await press(pay, 'button', 'Soumettre');
  await pay.waitFor({ state: 'detached' });
  assert.match(await announcements(), new RegExp(`Paiement enregistré, facture ${number}, reste dû 70,00 €`));

  // A refused amount is said at once, and nothing changes.
  await press(invoices.getByRole('row').filter({ hasText: number }), 'button', 'Payer');
  await fill(pay, 'Montant', '500');
  await press(pay, 'button', 'Soumettre');
  const refusal = (await page.locator('#a11y-alert').textContent()).trim();
  assert.ok(refusal.length > 0, 'a refusal is announced');
  assert.equal(await pay.getByRole('textbox', { name: 'Montant', exact: true }).getAttribute('aria-invalid'), 'true');
  await page.keyboard.press('Escape');
  await pay.waitFor({ state: 'detached' });

  // A deposit of 20 € by card at the terminal.
  await press(main, 'button', 'Enregistrer un acompte');
  await choose(main, 'Type de paiement', 'Carte bancaire (TPE)');
  await fill(main, 'Montant', '20');
  await press(main, 'button', 'Soumettre');
  await main.getByText('20,00 €').first().waitFor();

  // The account's credit applied from the invoice's page.
  await press(invoices, 'button', number);
  await main.getByRole('heading', { name: new RegExp(number) }).first().waitFor();
  await press(main, 'button', 'Appliquer le crédit disponible : 20,00 €');
  await main.getByText('50,00 €').first().waitFor();
  await press(main, 'button', 'Voir le patient');

  // A credit note of 10 € on the invoice, then used to pay it.
  await press(main, 'button', 'Émettre un avoir');
  await choose(main, 'Facture corrigée (facultatif)', new RegExp(`^${number}`));
  await fill(main, 'Libellé', 'Geste commercial');
  await fill(main, 'Prix unitaire', '10');
  await press(main, 'button', 'Émettre l’avoir');
  await press(invoices.getByRole('row').filter({ hasText: number }), 'button', 'Payer');
  await choose(pay, 'Type de paiement', 'Appliquer un avoir');
  await press(pay.getByRole('radiogroup'), 'radio', /^AV-\d{4}-.* 10,00 €$/);
  await fill(pay, 'Montant', '10');
  await press(pay, 'button', 'Soumettre');
  await pay.waitFor({ state: 'detached' });
  assert.match(await announcements(), new RegExp(`Paiement enregistré, facture ${number}, reste dû 40,00 €`));
  cells = await cellsOfRow(invoices, number);
  assert.ok(cells.includes('40,00 €'), cells.join(' | '));

  // The cash refunded by hand: 30 € given back in cash.
  await press(main, 'tab', 'Paiements et acomptes');
  await press(main, 'button', /^Rembourser — Espèces 30,00\s€ du \d\d\/\d\d\/\d{4}$/);
  const refund = page.getByRole('dialog');
  await fill(refund, 'Montant', '30');
  await fill(refund, 'Motif', 'Séance annulée');
  await press(refund, 'button', 'Rembourser');
  await refund.waitFor({ state: 'detached' });
  await press(main, 'tab', 'Factures');
  cells = await cellsOfRow(main.getByRole('grid').first(), number);
  assert.ok(cells.includes('70,00 €'), `the refunded cash is due again: ${cells.join(' | ')}`);
  }
});
