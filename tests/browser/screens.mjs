// Screenshots of the desk's screens at the three window sizes a practice uses (1024 × 768,
// 1280 × 800, 1920 × 1080): the patient page and its record editor, every payment form, the
// invoice page and every Paramètres tab, on the demo clinic. Not a test: pictures to look at
// (`node tests/browser/screens.mjs`, after `scripts/build`), written to test-results/screens/.
// It also lists every widget drawn outside the window, which a reader of the pictures may miss.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { click, type, launch, newProfile, openApp, putOffNotices, query, resultsDir, run, settle, startServer } from './harness.mjs';

const sizes = [[1024, 768], [1280, 800], [1920, 1080]];
const settingsTabs = ['Cabinet', 'Types de paiement internes', 'Taxes', 'Actes', 'Rendez-vous', 'Modèles d’e-mails',
  'Utilisateurs', 'Serveur', 'Paiements en ligne', 'Exports et sauvegarde'];

const server = await startServer();
const outside = [];
try {
  for (const [width, height] of sizes) {
    const dir = path.join(resultsDir, 'screens', `${width}x${height}`);
    mkdirSync(dir, { recursive: true });
    const context = await launch(newProfile(), { viewport: { width, height } });
    const { page } = await openApp(context, server.url);
    await run(page, { cmd: 'demo.load', id: `demo-${width}` });
    await settle(page);
    await putOffNotices(page);
    const shot = async (name) => {
      await settle(page);
      await page.screenshot({ path: path.join(dir, `${name}.png`) });
      for (const w of await page.evaluate(() => window.quittance.ui())) {
        if (w.kind !== 'text' && (w.x + w.w > width + 1 || w.x < 0)) outside.push(`${width}x${height} ${name}: « ${w.label} »`);
      }
    };
    // A patient with something of everything: the demo's first patient with a payment.
    const payment = (await query(page, { cmd: 'payment.list', limit: 50 })).result.items.find((p) => !p.deleted && !p.processor_ref);
    await click(page, 'Patients');
    await type(page, 'Rechercher un patient', payment.patient_name);
    await click(page, `${payment.patient_name}##patient-${payment.patient_id}`);
    await shot('patient-page');
    await click(page, 'Modifier le dossier');
    await shot('patient-record-edit');
    await click(page, 'Annuler');
    await click(page, 'Fusionner un doublon');
    await shot('patient-merge');
    await click(page, 'Annuler');
    await click(page, 'Enregistrer un acompte');
    await shot('deposit-form');
    await click(page, 'Annuler');
    await click(page, 'Demander un paiement en ligne');
    await shot('online-request-form');
    await click(page, 'Annuler');
    await click(page, 'Paiements et acomptes');
    await shot('patient-payments');
    await click(page, `Modifier##edit-payment-${payment.payment_id}`);
    await shot('payment-edit');
    await page.keyboard.press('Escape');
    await settle(page);
    await click(page, `Rembourser##refund-${payment.payment_id}`).catch(() => {});
    await shot('refund-dialog');
    await page.keyboard.press('Escape');
    await settle(page);
    await click(page, 'Factures');
    await click(page, 'Factures##nav-invoices').catch(() => {});
    await shot('invoices');
    const due = (await query(page, { cmd: 'invoice.list', status: 'due', limit: 1 })).result.items[0];
    if (due) {
      await click(page, `Payer##pay-${due.invoice_id}`).catch(() => {});
      await shot('pay-dialog');
      await page.keyboard.press('Escape');
      await settle(page);
    }
    await click(page, 'Paiements');
    await shot('payments-screen');
    await click(page, 'Paramètres');
    for (const tab of settingsTabs) {
      await click(page, tab);
      await shot(`settings-${tab.replace(/[^A-Za-zÀ-ÿ]+/g, '-').toLowerCase()}`);
    }
    await context.close();
  }
} finally {
  await server.stop();
}
console.log(outside.length ? `drawn outside the window:\n${outside.join('\n')}` : 'no widget outside the window');
console.log(`screenshots in ${path.join(resultsDir, 'screens')}`);
