// Quittance's FEC export (src/app/fec_export.h) read by the independent validator
// (validate_fec.mjs, written from A47 A-1's text): the demo clinic, both variants, valid and
// reconciled to the cent with the livre-journal and the invoices; the practitioner's own
// accounts; refusals. FEC_DBS (comma-separated database files: ctest passes the small bench
// clinic, scripts/check-fec the 100,000-invoice one) get the same checks, read-only.
//   QUITTANCE_CLI=build/native/quittance-cli node --test tests/fec/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateFec } from './validate_fec.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = process.env.QUITTANCE_CLI || join(root, 'build/native/quittance-cli');
const extraDbs = (process.env.FEC_DBS || '').split(',').filter(Boolean);

// Runs commands through quittance-cli on `db`; returns the answers.
function run(db, commands) {
  const input = commands.map((c) => JSON.stringify(c)).join('\n') + '\n';
  const out = spawnSync(cli, ['--db', db], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.trim().split('\n').map((l) => JSON.parse(l));
}
function ok(answer) {
  assert.equal(answer.ok, true, JSON.stringify(answer).slice(0, 400));
  return answer.result;
}

// The file's lines as records (header skipped), by field name.
function records(text) {
  const [header, ...rows] = text.split('\r\n').filter((l) => l.length);
  const names = header.split('\t');
  return rows.map((row) => Object.fromEntries(row.split('\t').map((v, i) => [names[i], v])));
}
// "1234,56" → 123456 (the practice's currency has 2 decimals in these clinics).
const cents = (s) => (s ? Number(s.replace(',', '')) : 0);
// Credit minus debit on the accounts starting with `prefix`.
function net(recs, prefix, journal) {
  let n = 0;
  for (const r of recs) {
    if (r.CompteNum.startsWith(prefix) && (!journal || r.JournalCode === journal)) n += cents(r.Credit) - cents(r.Debit);
  }
  return n;
}
// A CSV export's column summed (French CSV: ';', decimal comma, BOM, CRLF; amounts unquoted).
function csvSum(csv, column) {
  const rows = csv.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  const names = rows[0].split(';');
  const i = names.indexOf(column);
  assert.ok(i >= 0, `no column ${column} in ${names}`);
  return rows.slice(1).reduce((s, row) => s + cents(row.split(';').at(i - names.length)), 0);
}

// Exports the year `from`–`to` of `db` in both variants, validates them and reconciles them.
function checkClinic(db, from, to) {
  const siret = ok(run(db, [{ cmd: 'settings.get', key: 'practice.siret' }])[0]);
  const siren = siret.replace(/\D/g, '').slice(0, 9);
  const [cash, accrual, journal, invoices, creditNotes] = run(db, [
    { cmd: 'export.fec', variant: 'cash', from, to },
    { cmd: 'export.fec', variant: 'accrual', from, to },
    { cmd: 'receipts.journal', from, to },
    { cmd: 'export.csv', kind: 'invoices', from, to },
    { cmd: 'export.csv', kind: 'credit_notes', from, to },
  ]).map(ok);
  const yearEnd = to.replaceAll('-', '');
  for (const [variant, file] of [['bnc-tresorerie', cash], ['general', accrual]]) {
    assert.equal(file.filename, `${siren}FEC${yearEnd}.txt`);
    const v = validateFec(Buffer.from(file.text, 'utf8'), { fileName: file.filename, variant, siren, yearEnd });
    assert.deepEqual(v.problems.slice(0, 5), [], `${variant}: ${v.problems.length} problems`);
    assert.equal(v.ok, true);
    assert.equal(v.summary.entries, file.entries);
    assert.equal(v.summary.lines, file.lines);
    assert.equal(v.summary.debit, file.debit);
    assert.equal(v.summary.credit, file.credit);
  }
  const receipts = journal.total;
  const cashRecs = records(cash.text);
  const accrualRecs = records(accrual.text);
  // Cash basis: the receipts account's balance is the livre-journal's total.
  assert.equal(net(cashRecs, '706'), receipts);
  assert.equal(cash.entries, journal.entries.length);
  // Accrual: the patients' accounts are debited by the invoices less the credit notes, and
  // credited by the receipts.
  assert.equal(-net(accrualRecs, '411', 'VE'), csvSum(invoices.csv, 'TTC') - csvSum(creditNotes.csv, 'Montant'));
  assert.equal(net(accrualRecs, '411', 'EN'), receipts);
  return { cash, accrual, receipts };
}

test('the demo clinic: both variants valid, reconciled with the livre-journal and the invoices', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fec-'));
  try {
    const db = join(dir, 'clinic.db');
    ok(run(db, [{ cmd: 'demo.load', id: 'demo-fec', size: 'small' }])[0]);
    const year = new Date().getFullYear();
    const { cash, accrual, receipts } = checkClinic(db, `${year}-01-01`, `${year}-12-31`);
    assert.ok(receipts > 0 && cash.entries > 100 && accrual.entries > cash.entries, 'the demo year has entries');

    // A line removed: the validator sees the entry unbalanced (it reads the export, not a copy).
    const lines = cash.text.split('\r\n');
    const broken = [...lines.slice(0, 2), ...lines.slice(3)].join('\r\n');
    const v = validateFec(broken, { fileName: cash.filename, variant: 'bnc-tresorerie' });
    assert.ok(v.problems.some((p) => p.rule === 'balanced'), JSON.stringify(v.problems.slice(0, 3)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the practitioner's accounts: set, used in the file; a malformed chart or no SIRET is refused", () => {
  const dir = mkdtempSync(join(tmpdir(), 'fec-'));
  try {
    const db = join(dir, 'clinic.db');
    ok(run(db, [{ cmd: 'demo.load', id: 'demo-fec', size: 'small' }])[0]);
    const year = new Date().getFullYear();
    const chart = { revenue: '706100', methods: { cash: '531000', cheque: '511200' } };
    const [set, bad, letters, cash] = run(db, [
      { cmd: 'settings.set', id: 's1', key: 'accounting.accounts', value: JSON.stringify(chart) },
      { cmd: 'settings.set', id: 's2', key: 'accounting.accounts', value: '{"revenue": "70X"}' },
      { cmd: 'settings.set', id: 's3', key: 'accounting.accounts', value: '{"banque": "512000"}' },
      { cmd: 'export.fec', variant: 'cash', from: `${year}-01-01`, to: `${year}-12-31` },
    ]);
    ok(set);
    assert.equal(bad.error.code, 'invalid_argument');
    assert.match(bad.error.message, /revenue/);
    assert.equal(letters.error.code, 'invalid_argument');
    const recs = records(ok(cash).text);
    assert.ok(recs.some((r) => r.CompteNum === '706100' && r.CompteLib === 'Honoraires'));
    assert.ok(recs.some((r) => r.CompteNum === '531000' && r.ModeRglt === 'Espèces'));
    assert.ok(!recs.some((r) => r.CompteNum === '706000' || r.CompteNum === '530000'));

    const [cleared, noSiret] = run(db, [
      { cmd: 'settings.set', id: 's4', key: 'practice.siret', value: '' },
      { cmd: 'export.fec', variant: 'accrual', from: `${year}-01-01`, to: `${year}-12-31` },
    ]);
    ok(cleared);
    assert.equal(noSiret.error.code, 'siret_required');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a patient renamed after an invoice: the invoice line as printed, one name for the account', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fec-'));
  try {
    const db = join(dir, 'clinic.db');
    const year = new Date().getFullYear();
    const answers = run(db, [
      { cmd: 'settings.set', id: 's1', key: 'practice.siret', value: '81234567600017' },
      { cmd: 'patient.create', id: 'p1', name: 'Léa Martin' },
    ]).map(ok);
    const patient = answers[1].patient_id;
    const draft = ok(run(db, [{ cmd: 'invoice.create', id: 'i1', patient_id: patient,
                                lines: [{ label: 'Séance', unit_price: 6000 }] }])[0]);
    const [, paid, renamed, accrual] = run(db, [
      { cmd: 'invoice.issue', id: 'i1-issue', invoice_id: draft.invoice_id },
      { cmd: 'payment.create', id: 'pay1', patient_id: patient, amount: 6000, payment_type_id: 'cash',
        allocations: [{ invoice_id: draft.invoice_id, amount: 6000 }] },
      { cmd: 'patient.update', id: 'u1', patient_id: patient, name: 'Léa Durand' },
      { cmd: 'export.fec', variant: 'accrual', from: `${year}-01-01`, to: `${year}-12-31` },
    ]);
    ok(paid);
    ok(renamed);
    const file = ok(accrual);
    const v = validateFec(Buffer.from(file.text, 'utf8'), { fileName: file.filename, variant: 'general' });
    assert.deepEqual(v.problems, []);
    const recs = records(file.text);
    const sale = recs.find((r) => r.JournalCode === 'VE' && r.CompteNum.startsWith('411'));
    assert.match(sale.EcritureLib, /Léa Martin/);  // the invoice as it was printed
    const labels = new Set(recs.filter((r) => r.CompAuxNum).map((r) => r.CompAuxLib));
    assert.deepEqual([...labels], ['Léa Durand']);  // the account's name, on the sale and the payment
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const source of extraDbs) {
  test(`${source}: both variants valid and reconciled, every year of it`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'fec-'));
    try {
      const db = join(dir, 'copy.db');  // read-only in spirit: the CLI migrates what it opens
      copyFileSync(source, db);
      const info = ok(run(db, [{ cmd: 'receipts.journal', from: '2000-01-01', to: '2100-12-31' }])[0]);
      const years = [...new Set(info.entries.map((e) => e.date.slice(0, 4)))];
      assert.ok(years.length > 0, 'the clinic has receipts');
      if (!ok(run(db, [{ cmd: 'settings.get', key: 'practice.siret' }])[0])) {
        ok(run(db, [{ cmd: 'settings.set', id: 'siret', key: 'practice.siret', value: '81234567600017' }])[0]);
      }
      for (const year of years) {
        const started = Date.now();
        const { cash, accrual } = checkClinic(db, `${year}-01-01`, `${year}-12-31`);
        console.log(`${source} ${year}: cash ${cash.entries} entries, accrual ${accrual.entries} entries, ` +
                    `${accrual.lines} lines, exported and checked in ${Date.now() - started} ms`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
