// Who is working, clicked: users and roles in Paramètres, a PIN, the sign-in screen of a shared
// device, the role applied and the user named in the journal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { appSession, click, settle, labels, resultsDir, query, type } from './harness.mjs';

const app = appSession();
let page;
before(async () => {
  await app.start();
  page = app.page;
});
after(app.stop);



test('a colleague with a PIN; the shared device then asks who is working, and applies their role', async () => {
  // Alone, the practice never sees a sign-in.
  assert.ok(!(await labels(page)).includes('Qui utilise Quittance ?'));
  await click(page, 'Paramètres');
  await click(page, 'Utilisateurs');
  await type(page, 'Nom', 'Léa Dupré');
  await click(page, 'Rôle');
  await click(page, 'Facturation##role-billing');
  await click(page, 'Ajouter l’utilisateur');
  const lea = (await query(page, { cmd: 'user.list' })).result.find((u) => u.name === 'Léa Dupré');
  assert.equal(lea.role, 'billing');
  await click(page, `Code PIN##set-pin-${lea.user_id}`);
  await type(page, 'Nouveau code PIN', '2468');
  await type(page, 'Confirmez le code PIN', '2469');
  await click(page, 'Enregistrer le code PIN');
  assert.ok((await labels(page)).includes('Les deux codes PIN diffèrent.'));
  await type(page, 'Nouveau code PIN', '2468');
  await type(page, 'Confirmez le code PIN', '2468');
  await click(page, 'Enregistrer le code PIN');
  assert.equal((await query(page, { cmd: 'user.list' })).result.find((u) => u.name === 'Léa Dupré').has_pin, true);
  await page.screenshot({ path: path.join(resultsDir, 'settings-users.png') });

  // The next start asks who is working.
  await page.evaluate(() => window.quittance.whenSaved());
  await page.reload();
  await page.evaluate(() => window.quittance.ready);
  await settle(page);
  let shown = await labels(page);
  assert.ok(shown.includes('Qui utilise Quittance ?'), shown.join(' | ') + JSON.stringify((await query(page, { cmd: 'user.list' }))));
  await click(page, `Léa Dupré — Facturation##user-${lea.user_id}`);
  await page.keyboard.type('1111');
  await page.keyboard.press('Enter');
  await settle(page);
  assert.ok((await labels(page)).includes('Code PIN incorrect.'));
  await page.screenshot({ path: path.join(resultsDir, 'sign-in.png') });
  await page.keyboard.type('2468');
  await page.keyboard.press('Enter');
  await settle(page);
  shown = await labels(page);
  assert.ok(shown.includes('Utilisateur : Léa Dupré (Facturation)'), shown.join(' | '));

  // Billing may not rename the practice; it may create a patient, which the journal puts on her.
  await click(page, 'Paramètres');
  await click(page, 'Cabinet');
  await type(page, 'Nom du cabinet', 'Cabinet renommé');
  await click(page, 'Enregistrer##practice-save');
  assert.notEqual((await query(page, { cmd: 'settings.get', key: 'practice.name' })).result, 'Cabinet renommé');
  await click(page, 'Patients');
  await click(page, 'Nouveau patient');
  await type(page, 'Nom', 'Noël Œuvrard');
  await click(page, 'Créer le patient');
  const entries = (await query(page, { cmd: 'journal.list', limit: 500 })).result.items;
  const created = entries.filter((e) => e.name === 'patient.create').at(-1);
  assert.equal(created.actor, lea.user_id);

  await click(page, 'Changer d’utilisateur');
  assert.ok((await labels(page)).includes('Qui utilise Quittance ?'));
});
