// The desk's screens, visited on the demo clinic as a practitioner would: the dashboard, the
// patient list, the patient page and its record editor and merge, the invoice editor, every
// payment form, the invoice list and an invoice's page, « Paiements », « Communications » and
// every Paramètres tab. layout.test.mjs walks them at 1024 × 768 and fails on any widget drawn
// past the window's edge; run directly (`node tests/browser/screens.mjs`, after `scripts/build`),
// it takes their screenshots at 1024 × 768, 1280 × 800 and 1920 × 1080, and at 200 % text on
// 1280 × 800, into test-results/screens/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { click, launch, newProfile, openApp, putOffNotices, query, resultsDir, run, settle, startServer, type } from './harness.mjs';

export const sizes = [[1024, 768], [1280, 800], [1920, 1080]];
const settingsTabs = ['Cabinet', 'Types de paiement internes', 'Taxes', 'Actes', 'Rendez-vous', 'Modèles d’e-mails',
  'Utilisateurs', 'Serveur', 'Paiements en ligne', 'Exports et sauvegarde'];

// The widgets of the last frame that reach past the window (a button pushed out of a table, a
// field wider than the room left), as « screen: label » lines.
export async function outsideTheWindow(page, name) {
  const { width } = page.viewportSize();
  return (await page.evaluate(() => window.quittance.ui()))
    .filter((w) => w.x + w.w > width + 1 || w.x < 0)
    .map((w) => `${name}: « ${w.label} » (${Math.round(w.x)}–${Math.round(w.x + w.w)} of ${width})`);
}

// Opens the app in a fresh browser of that size on `url`, loads the demo clinic, and calls
// `shown(page, name)` on each screen; returns the browser context (closed by the caller).
// `textSize` (200) is chosen first in Paramètres → « Taille du texte »; the other `options` go
// to the browser context (bypassCSP, to inject axe-core).
export async function visitScreens(url, [width, height], shown, { textSize, ...options } = {}) {
  const context = await launch(newProfile(), { viewport: { width, height }, ...options });
  const { page } = await openApp(context, url);
  await run(page, { cmd: 'demo.load', id: `demo-${width}` });
  await settle(page);
  await putOffNotices(page);
  if (textSize) {
    await click(page, 'Paramètres');
    await click(page, `${textSize}\u202f%##text-size-${textSize}`);
    await click(page, 'Tableau de bord');
  }
  const at = async (name) => {
    await settle(page);
    await shown(page, name);
  };
  const closeDialog = async () => {
    await page.keyboard.press('Escape');
    await settle(page);
  };
  // A patient with a payment made at the desk (so « Modifier » and « Rembourser » are offered).
  const payment = (await query(page, { cmd: 'payment.list', limit: 50 })).result.items.find((p) => !p.deleted && !p.processor_ref);
  await at('dashboard');
  await click(page, 'Patients');
  await at('patients');
  await type(page, 'Rechercher un patient', payment.patient_name);
  await click(page, `${payment.patient_name}##patient-${payment.patient_id}`);
  await at('patient-page');
  await click(page, 'Modifier le dossier');
  await at('patient-record-edit');
  await click(page, 'Annuler');
  await click(page, 'Fusionner un doublon');
  await at('patient-merge');
  await click(page, 'Annuler');
  await click(page, 'Nouvelle facture');
  await at('invoice-editor');
  await click(page, 'Annuler');
  await click(page, 'Enregistrer un acompte');
  await at('deposit-form');
  await click(page, 'Annuler');
  await click(page, 'Demander un paiement en ligne');
  await at('online-request-form');
  await click(page, 'Annuler');
  await click(page, 'Paiements et acomptes');
  await at('patient-payments');
  await click(page, `Modifier##edit-payment-${payment.payment_id}`);
  await at('payment-edit');
  await closeDialog();
  await click(page, `Rembourser##refund-${payment.payment_id}`);
  await at('refund-dialog');
  await closeDialog();
  await click(page, 'Factures');
  await at('invoices');
  const due = (await query(page, { cmd: 'invoice.list', status: 'due', limit: 1 })).result.items[0];
  await click(page, `Payer##pay-${due.number}`);
  await at('pay-dialog');
  await closeDialog();
  await click(page, `${due.number}##open-${due.invoice_id}`);
  await at('invoice-page');
  await click(page, 'Factures');
  await click(page, 'Paiements');
  await at('payments-screen');
  await click(page, 'Communications');
  await at('communications');
  await click(page, 'Paramètres');
  for (const tab of settingsTabs) {
    await click(page, tab);
    await at(`settings-${tab.normalize('NFD').replace(/[^A-Za-z]+/g, '-').toLowerCase()}`);
  }
  return context;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startServer();
  const outside = [];
  try {
    // The three desk sizes, then a 1280 × 800 desk at 200 % text (laid out in 640 × 400).
    for (const [width, height, textSize] of [...sizes, [1280, 800, 200]]) {
      const name = `${width}x${height}${textSize ? `-${textSize}pc` : ''}`;
      const dir = path.join(resultsDir, 'screens', name);
      mkdirSync(dir, { recursive: true });
      const context = await visitScreens(server.url, [width, height], async (page, screen) => {
        await page.screenshot({ path: path.join(dir, `${screen}.png`) });
        outside.push(...await outsideTheWindow(page, `${name} ${screen}`));
      }, { textSize });
      await context.close();
    }
  } finally {
    await server.stop();
  }
  console.log(outside.length ? `drawn past the window's edge:\n${outside.join('\n')}` : 'nothing drawn past the window’s edge');
  console.log(`screenshots in ${path.join(resultsDir, 'screens')}`);
}
