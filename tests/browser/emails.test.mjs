// Billing emails and reminders by clicks (seed 001), with the real quittance-server and a real
// SMTP server (tests/smtp_sink/, python3-aiosmtpd): Paramètres → « Modèles d'e-mails » activates
// the invoice email (after its warning) and creates a reminder (a wrong field refused, a field
// inserted from the picker); an invoice issued in the page is emailed by the server with its
// PDF; « Communications » shows it sent, and the patient's tab cancels the scheduled reminder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  click, eventually, exec, labels, launch, newProfile, openApp, practiceDay, query, resultsDir, run, serverBinary, settle,
  startServer, type, waitForLabels,
} from './harness.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
let sink, sinkDir, server, context, page;

// The local SMTP server: its first stdout line is its port.
async function startSink() {
  sinkDir = mkdtempSync(path.join(tmpdir(), 'quittance-mail-'));
  const child = spawn('/usr/bin/python3', [path.join(root, 'tests/smtp_sink/smtp_sink.py'), '--dir', sinkDir],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
    child.on('exit', (code) => reject(new Error(`smtp_sink.py exited with ${code}: is python3-aiosmtpd installed?`)));
  });
  return { child, port };
}

const received = (n) => (existsSync(path.join(sinkDir, `${n}.json`))
  ? JSON.parse(readFileSync(path.join(sinkDir, `${n}.json`), 'utf8')) : null);

async function syncNow() {
  await page.evaluate(() => window.quittance.syncNow());
}

async function messageState(messageId) {
  const { items } = (await query(page, { cmd: 'message.list', limit: 100 })).result;
  return items.find((m) => m.message_id === messageId);
}

before(async () => {
  sink = await startSink();
  const data = mkdtempSync(path.join(tmpdir(), 'quittance-server-'));
  execFileSync(serverBinary, ['create-clinic', '--name', 'Cabinet Ébène', '--data', data]);
  server = await startServer({ data, env: { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SMTP_FROM: 'factures@ebene.test' } });
  const code = JSON.parse(execFileSync(serverBinary, ['pairing-code', '--data', data]).toString()).code;
  context = await launch(newProfile());
  ({ page } = await openApp(context, `${server.url}#pair=${code}`));
  await eventually(async () => (await page.evaluate(() => window.quittance.state())).backend.series, { what: 'paired' });
  await run(page, { cmd: 'settings.set', id: 'set-name', key: 'practice.name', value: 'Cabinet Ébène' });
});

after(async () => {
  await context?.close();
  await server?.stop();
  sink?.child.kill('SIGTERM');
  if (sinkDir) rmSync(sinkDir, { recursive: true, force: true });
});

test('templates: the invoice email is activated after its warning; a reminder with a wrong field is refused, then saved', async () => {
  await click(page, 'Paramètres');
  await click(page, 'Modèles d’e-mails');
  await waitForLabels(page, ['Envoi de la facture', 'Relance à 7 jours', 'Relance à 1 mois']);
  // An invoice email can be copied; a document's cannot (its copy would be an invoice email
  // that speaks of an attestation).
  const rows = await labels(page);
  const templates = (await query(page, { cmd: 'template.list' })).result.items;
  const count = (label) => rows.filter((l) => l === label).length;
  assert.equal(count('Modifier'), templates.length);
  assert.equal(count('Dupliquer'), templates.filter((t) => !t.with_requests).length);
  assert.ok(templates.some((t) => t.with_documents), 'a document email is listed');
  await click(page, 'Actif — Envoi de la facture');
  let shown = await labels(page);
  assert.ok(shown.some((l) => l.startsWith('Activer « Envoi de la facture » ? Toutes les factures')), shown.join(' | '));
  let list = (await query(page, { cmd: 'template.list' })).result.items;
  assert.equal(list.find((t) => t.template_id === 'system-invoice').active, false);  // not before « Activer »
  await click(page, 'Activer l’envoi automatique');
  list = (await query(page, { cmd: 'template.list' })).result.items;
  assert.equal(list.find((t) => t.template_id === 'system-invoice').active, true);

  await click(page, '+ Créer un modèle');
  await type(page, 'Nom du modèle', 'Relance douce à 2 jours');
  await type(page, 'Délai', '2');
  await type(page, 'Objet', 'Facture {{montant}} à régler');
  await page.screenshot({ path: path.join(resultsDir, 'email-template-unknown-field.png') });
  await click(page, 'Enregistrer le modèle');
  await waitForLabels(page, ['Champ inconnu : {{montant}}. Choisissez les champs dans « Insérer un champ ».']);
  await type(page, 'Objet', 'Facture ');
  await click(page, 'Insérer un champ');
  await click(page, 'Numéro de facture   {{numero_facture}}##field-numero_facture');
  await type(page, 'Message', 'Bonjour, reste : ');
  await click(page, 'Insérer un champ');
  await click(page, 'Reste à payer   {{reste_du}}##field-reste_du');
  await page.screenshot({ path: path.join(resultsDir, 'email-template-editor.png') });
  await click(page, 'Enregistrer le modèle');
  await waitForLabels(page, ['Modèle enregistré.']);
  list = (await query(page, { cmd: 'template.list' })).result.items;
  const mine = list.find((t) => t.name === 'Relance douce à 2 jours');
  assert.ok(mine, JSON.stringify(list));
  assert.equal(mine.subject, 'Facture {{numero_facture}}');
  assert.equal(mine.body, 'Bonjour, reste : {{reste_du}}');
  assert.equal(mine.delay_amount, 2);
  assert.equal(mine.delay_unit, 'days');
  assert.equal(mine.active, true);
  await page.screenshot({ path: path.join(resultsDir, 'email-templates.png') });
});

test('an issued invoice is emailed by the server with its PDF; Communications shows it sent; the reminder is cancelled from the patient', async () => {
  await run(page, { cmd: 'patient.create', id: 'p-zoe', name: 'Zoé Lefèvre', email: 'zoe@example.fr' });
  await run(page, { cmd: 'invoice.create', id: 'inv-zoe', patient_id: 'p-zoe',
    lines: [{ label: 'Séance d’ostéopathie', unit_price: 6500 }] });
  const { number } = await run(page, { cmd: 'invoice.issue', id: 'iss-zoe', invoice_id: 'inv-zoe' });
  await syncNow();
  const mail = await eventually(() => received(1), { timeout: 20000, what: 'the invoice email at the SMTP server' });
  assert.equal(mail.subject, `Votre facture ${number} – Cabinet Ébène`);
  assert.equal(mail.to.address, 'zoe@example.fr');
  assert.equal(mail.attachments.length, 1);
  const pdf = execFileSync('pdftotext', ['-layout', mail.attachments[0].path, '-']).toString().replace(/[\u00a0\u202f]/g, ' ');
  assert.ok(pdf.includes(number) && pdf.includes('65,00 €'), pdf);

  const sentId = `system-invoice:inv-zoe`;
  await eventually(async () => { await syncNow(); return (await messageState(sentId))?.state === 'sent'; },
    { timeout: 20000, what: 'the sent email back on the device' });
  const myTemplate = (await query(page, { cmd: 'template.list' })).result.items.find((t) => t.name === 'Relance douce à 2 jours');
  const reminderId = `${myTemplate.template_id}:inv-zoe`;
  assert.equal((await messageState(reminderId)).state, 'scheduled');

  await click(page, 'Communications');
  await waitForLabels(page, ['Envoyé', 'zoe@example.fr', number]);
  await page.screenshot({ path: path.join(resultsDir, 'communications.png') });

  await click(page, 'Patients');
  await click(page, 'Zoé Lefèvre##patient-p-zoe');
  await click(page, 'Communications###tab-communications');
  await click(page, `Annuler l’envoi##comms.cancel-${reminderId}`);
  await waitForLabels(page, ['Programmé – annulation demandée']);
  await eventually(async () => { await syncNow(); return (await messageState(reminderId))?.state === 'cancelled'; },
    { timeout: 20000, what: 'the cancellation confirmed by the server' });
  await settle(page);
  await waitForLabels(page, ['Annulé – à la demande du cabinet']);
  await page.screenshot({ path: path.join(resultsDir, 'patient-communications.png') });
  assert.equal(received(2), null);  // nothing else was sent
});

test('an attestation sent from the patient page reaches the patient with its PDF; the January round from « Communications »', async () => {
  await run(page, { cmd: 'payment.create', id: 'pay-zoe', patient_id: 'p-zoe', payment_type_id: 'cash', amount: 6500,
    allocations: [{ invoice_id: 'inv-zoe', amount: 6500 }] });
  const year = practiceDay().year;
  // The messages the SMTP server holds so far (1.json, 2.json, …).
  let already = 0;
  while (received(already + 1)) already += 1;

  await click(page, 'Patients');
  await click(page, 'Zoé Lefèvre##patient-p-zoe');
  await click(page, 'Paiements et acomptes');
  await click(page, `Attestation ${year}##attestation-email-${year}`);
  await waitForLabels(page, ['Envoi demandé : l’e-mail partira vers zoe@example.fr (suivi dans Communications).']);
  await page.screenshot({ path: path.join(resultsDir, 'attestation-email.png') });
  await syncNow();
  const mail = await eventually(() => received(already + 1), { timeout: 20000, what: 'the attestation at the SMTP server' });
  assert.equal(mail.subject, 'Attestation de paiement – Cabinet Ébène');
  assert.equal(mail.to.address, 'zoe@example.fr');
  assert.equal(mail.attachments.length, 1);
  const pdf = execFileSync('pdftotext', ['-layout', mail.attachments[0].path, '-']).toString().replace(/[\u00a0\u202f]/g, ' ');
  assert.ok(pdf.includes('ATTESTATION DE PAIEMENT') && pdf.includes('65,00 €') && pdf.includes('Zoé Lefèvre'), pdf);

  // « Communications »: the year's attestations for every payer, after a confirmation: last
  // year's until the end of March (nobody here paid then), this year's after.
  const roundYear = practiceDay().month <= 3 ? year - 1 : year;
  await click(page, 'Communications');
  await click(page, `Envoyer les attestations ${roundYear} à tous les patients…`);
  await click(page, 'Confirmer l’envoi');
  const queued = roundYear === year ? 1 : 0;
  await waitForLabels(page, [`Attestations mises en file d’envoi : ${queued}. Patients sans adresse e-mail valide : 0.`]);
  await page.screenshot({ path: path.join(resultsDir, 'attestations-round.png') });
  if (queued) {
    await syncNow();
    const second = await eventually(() => received(already + 2), { timeout: 20000, what: 'the round\'s attestation' });
    assert.equal(second.subject, 'Attestation de paiement – Cabinet Ébène');
  }
});
