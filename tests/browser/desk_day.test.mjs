// A physiotherapist's day at the desk, played by clicks and typing only (no command sent by the
// test: queries only read what the screens did), on a device paired with a real server: the
// practice set up, a payment type of its own (and the warning of a name that repeats one), the
// 7-day reminder on, a patient with a mistyped email, an invoice of two sessions, a cash
// payment, a deposit at the card terminal with that type and a date, the credit applied from the
// invoice, a credit note, a payment corrected, the reminder following the corrected email, a
// duplicate record merged, a record archived and found again, the dashboard, a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  click, euros, eventually, labels, launch, newProfile, openApp, pairedClinic, putOffNotices, query, resultsDir, settle,
  type, waitForLabels,
} from './harness.mjs';

test('a day at the desk, by clicks: set-up, invoice, payments, deposit, credit, correction, record, merge, archive', async (t) => {
  const { server, code } = await pairedClinic(t, 'Cabinet du Parc');
  const context = await launch(newProfile());
  t.after(() => context.close());
  let { page } = await openApp(context, `${server.url}#pair=${code}`);
  await eventually(async () => (await page.evaluate(() => window.quittance.state())).backend.series, { what: 'paired' });
  await putOffNotices(page);
  const ask = async (cmd) => {
    const answer = await query(page, cmd);
    assert.equal(answer.ok, true, JSON.stringify(answer));
    return answer.result;
  };
  const syncNow = () => page.evaluate(() => window.quittance.syncNow());

  // The practice.
  await click(page, 'Paramètres');
  await type(page, 'Nom du cabinet', 'Cabinet du Parc');
  await type(page, 'Adresse du cabinet', '8 allée du Parc, 69006 Lyon');
  await type(page, 'SIRET (14 chiffres)', '81234567600017');
  await click(page, 'Enregistrer');
  assert.equal((await ask({ cmd: 'settings.list' }))['practice.name'], 'Cabinet du Parc');

  // A payment type of its own: a name repeating a built-in is warned of, one equal to it refused.
  await click(page, 'Types de paiement internes');
  const typeField = 'Nom du nouveau type (ex. Créance irrécouvrable, Remboursement)';
  await type(page, typeField, 'Chèque');
  await click(page, 'Ajouter type de paiement');
  await waitForLabels(page, ['Ce nom est déjà pris : choisissez-en un autre.']);
  await type(page, typeField, 'TPE salle 2');
  await waitForLabels(page, ['Attention : « Carte bancaire (TPE) » existe déjà et semble désigner le même moyen de paiement.']);
  await click(page, 'Ajouter type de paiement');
  const terminal = (await ask({ cmd: 'payment_type.list' })).find((p) => p.label === 'TPE salle 2');
  assert.ok(terminal, 'the type was added');

  // The 7-day reminder on.
  await click(page, 'Modèles d’e-mails');
  await click(page, 'Actif — Relance à 7 jours');
  if ((await labels(page)).includes('Activer l’envoi automatique')) await click(page, 'Activer l’envoi automatique');
  assert.equal((await ask({ cmd: 'template.list' })).items.find((x) => x.template_id === 'system-reminder-7d').active, true);

  // A patient, her email mistyped.
  await click(page, 'Patients');
  await click(page, 'Nouveau patient');
  await type(page, 'Prénom', 'Léa');
  await type(page, 'Nom', 'Martin');
  await type(page, 'E-mail', 'lea@exmaple.fr');
  await click(page, 'Créer le patient');
  const lea = (await ask({ cmd: 'patient.list', search: 'martin' })).items[0];
  assert.equal(lea.name, 'Léa Martin');
  await waitForLabels(page, ['Léa Martin', 'lea@exmaple.fr', 'Modifier le dossier']);

  // An invoice of two sessions at 50 €.
  await click(page, 'Nouvelle facture');
  await type(page, 'Libellé', 'Séance de kinésithérapie');
  await type(page, '##qty-1', '2');
  await type(page, '##price-1', '50');
  await click(page, 'Émettre');
  const invoice = (await ask({ cmd: 'invoice.list', patient_id: lea.patient_id })).items[0];
  assert.equal(invoice.total, 10000);
  const due = async () => (await ask({ cmd: 'invoice.get', invoice_id: invoice.invoice_id })).due;

  // 30 € in cash at the desk, from the invoice list.
  await click(page, `Payer##pay-${invoice.number}`);
  await click(page, 'Type de paiement');
  await click(page, 'Espèces##type-cash');
  await type(page, 'Montant', '30');
  await click(page, 'Soumettre');
  assert.equal(await due(), 7000);

  // A deposit at the card terminal, of the practice's own type, dated the day it was taken.
  await click(page, 'Enregistrer un acompte');
  await type(page, 'Date du paiement', '01/12/2026');
  await click(page, 'Type de paiement');
  await click(page, `TPE salle 2##type-${terminal.payment_type_id}`);
  await type(page, 'Montant', '20');
  await page.screenshot({ path: path.join(resultsDir, 'desk-day-deposit.png') });
  await click(page, 'Soumettre');
  const deposit = (await ask({ cmd: 'payment.list', patient_id: lea.patient_id })).items
    .find((p) => p.payment_type_id === terminal.payment_type_id);
  assert.equal(deposit.paid_on, '2026-12-01');
  assert.equal(deposit.amount, 2000);
  // Owed 70 €, 20 € of credit waiting: a balance of 50 € said to be the patient's to pay.
  await waitForLabels(page, [euros(7000), euros(2000), euros(5000), 'dû par le patient']);

  // The credit offered on the invoice, applied in one click.
  await click(page, `${invoice.number}##open-${invoice.invoice_id}`);
  await click(page, `Appliquer le crédit disponible : ${euros(2000)}`);
  assert.equal(await due(), 5000);
  assert.ok(!(await labels(page)).some((l) => l.startsWith('Appliquer le crédit disponible')), 'no credit left to offer');
  await click(page, 'Voir le patient##invoice-patient');

  // A credit note of 10 € on the invoice, then used to pay it.
  await click(page, 'Émettre un avoir');
  await click(page, 'Facture corrigée (facultatif)');
  await click(page, (await labels(page)).find((l) => l.startsWith(invoice.number)));
  await type(page, 'Libellé', 'Geste commercial');
  await type(page, '##price-1', '10');
  await click(page, 'Émettre l’avoir');
  const note = (await ask({ cmd: 'credit_note.list', patient_id: lea.patient_id })).items[0];
  await click(page, `Payer##pay-${invoice.number}`);
  await click(page, 'Type de paiement');
  await click(page, 'Appliquer un avoir##type-credit_note');
  await click(page, (await labels(page)).find((l) => l.startsWith(note.number)));
  await type(page, 'Montant', '10');
  await click(page, 'Soumettre');
  assert.equal(await due(), 4000);

  // The cash was 25 €, not 30: corrected with a reason, the invoice is due 5 € more.
  const cash = (await ask({ cmd: 'payment.list', patient_id: lea.patient_id })).items.find((p) => p.payment_type_id === 'cash');
  await click(page, 'Paiements et acomptes');
  await click(page, `Modifier##edit-payment-${cash.payment_id}`);
  await type(page, 'Montant', '25');
  await type(page, 'Motif de la correction', 'Billet de 5 € rendu en trop');
  await click(page, 'Enregistrer la modification');
  assert.equal(await due(), 4500);

  // The reminder the server planned goes to the mistyped address; corrected in the record, it follows.
  const reminderId = `system-reminder-7d:${invoice.invoice_id}`;
  const reminder = async () => (await ask({ cmd: 'message.list', patient_id: lea.patient_id })).items
    .find((m) => m.message_id === reminderId);
  await eventually(async () => { await syncNow(); return (await reminder())?.state === 'scheduled'; },
    { timeout: 30000, what: 'the reminder planned by the server' });
  await click(page, 'Communications###tab-communications');
  await waitForLabels(page, ['lea@exmaple.fr']);
  await click(page, 'Modifier le dossier');
  await click(page, 'Madame##title-patients.record.title_mme');
  await type(page, 'Date de naissance (jj/mm/aaaa)', '21/03/1984');
  await type(page, 'E-mail', 'lea@example.fr');
  await type(page, 'Notes (pour le cabinet, jamais imprimées)', 'Genou droit');
  await page.screenshot({ path: path.join(resultsDir, 'desk-day-record.png') });
  await click(page, 'Enregistrer le dossier');
  await waitForLabels(page, ['Mme Léa Martin', 'Genou droit']);
  assert.ok((await labels(page)).some((l) => l.startsWith('Née le 21/03/1984')));
  assert.equal((await reminder()).recipient, 'lea@example.fr');  // on the device at once
  await click(page, 'Communications###tab-communications');
  await waitForLabels(page, ['lea@example.fr']);
  await syncNow();
  await eventually(async () => {
    await syncNow();
    const m = await reminder();
    return m.state === 'scheduled' && m.recipient === 'lea@example.fr';
  }, { timeout: 15000, what: 'the server’s plan following the new address' });

  // A record made twice at the front desk, with a deposit of its own: merged into Léa's.
  await click(page, '← Patients');
  await click(page, 'Nouveau patient');
  await type(page, 'Nom', 'Lea Martin');
  await type(page, 'Téléphone', '06 12 34 56 78');
  await click(page, 'Créer le patient');
  await click(page, 'Enregistrer un acompte');
  await click(page, 'Type de paiement');
  await click(page, 'Espèces##type-cash');
  await type(page, 'Montant', '15');
  await click(page, 'Soumettre');
  await click(page, '← Patients');
  await type(page, 'Rechercher un patient', 'Martin');
  await click(page, `Léa Martin##patient-${lea.patient_id}`);
  await click(page, 'Fusionner un doublon');
  await type(page, 'Dossier en double', 'Lea');
  await click(page, (await labels(page)).find((l) => l.startsWith('Lea Martin  —  06 12 34 56 78')));
  await waitForLabels(page, [`Dossier en double : Lea Martin — 06 12 34 56 78 (à payer ${euros(0)}, crédit ${euros(1500)})`]);
  await page.screenshot({ path: path.join(resultsDir, 'desk-day-merge.png') });
  await click(page, 'Fusionner dans ce dossier');
  await waitForLabels(page, ['Fusion faite : 0 facture(s), 1 paiement(s) et 0 avoir(s) de « Lea Martin » sont maintenant dans ce dossier.']);
  const merged = await ask({ cmd: 'patient.get', patient_id: lea.patient_id });
  assert.equal(merged.phone, '06 12 34 56 78');  // the blank filled from the duplicate
  const balance = await ask({ cmd: 'patient.balance', patient_id: lea.patient_id });
  assert.equal(balance.due, 4500);
  assert.equal(balance.credit, 1500);
  assert.equal((await ask({ cmd: 'patient.list', search: 'martin' })).total, 1);

  // A record archived leaves the list; « Dossiers archivés » finds it, « Réactiver » brings it back.
  await click(page, '← Patients');
  await click(page, 'Nouveau patient');
  await type(page, 'Nom', 'Paul Essai');
  await click(page, 'Créer le patient');
  await click(page, 'Archiver le dossier');
  await click(page, '← Patients');
  await type(page, 'Rechercher un patient', 'Essai');
  await waitForLabels(page, ['Aucun patient ne correspond à la recherche.']);
  await click(page, 'Dossiers archivés');
  const paul = (await ask({ cmd: 'patient.list', archived: true, search: 'essai' })).items[0];
  await click(page, `Paul Essai##patient-${paul.patient_id}`);
  await click(page, 'Réactiver le dossier');
  assert.equal((await ask({ cmd: 'patient.list', search: 'essai' })).total, 1);

  // The dashboard, then a reload: everything is still there.
  await click(page, 'Tableau de bord');
  await settle(page);
  await page.screenshot({ path: path.join(resultsDir, 'desk-day-dashboard.png') });
  const summary = await ask({ cmd: 'dashboard.summary' });
  assert.equal(summary.due_total, 4500);  // Léa's 45 € is all the practice is owed
  assert.ok((await labels(page)).includes(euros(4500)), (await labels(page)).join(' | '));
  await page.reload();
  await page.evaluate(() => window.quittance.ready);
  await putOffNotices(page);
  const again = await ask({ cmd: 'patient.get', patient_id: lea.patient_id });
  assert.equal(again.email, 'lea@example.fr');
  assert.equal(again.title, 'Mme');
  assert.equal((await ask({ cmd: 'invoice.get', invoice_id: invoice.invoice_id })).due, 4500);
  await click(page, 'Patients');
  await type(page, 'Rechercher un patient', 'Martin');
  await click(page, `Léa Martin##patient-${lea.patient_id}`);
  await waitForLabels(page, ['Mme Léa Martin', euros(4500), 'Née le 21/03/1984   ·   lea@example.fr   ·   06 12 34 56 78']);
  await page.screenshot({ path: path.join(resultsDir, 'desk-day-patient.png') });
});
