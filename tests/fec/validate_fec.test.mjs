// Tests of the independent FEC validator: node --test tests/fec/validate_fec.test.mjs
// Each failing case changes one thing in a valid sample and asserts that exactly the expected rule
// fires, so every rule can be seen to fail (and to stay quiet otherwise).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateFec, parseFecAmount, isFecDate, GENERAL_FIELDS, BNC_TRESORERIE_FIELDS } from './validate_fec.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const NAME = '123456789FEC20241231.txt';
const OPTS = { fileName: NAME, siren: '123456789' };

// A record as an object over the 18 general fields; unspecified zones are blank.
const row = (o) => ({ CompAuxNum: '', CompAuxLib: '', EcritureLet: '', DateLet: '', Montantdevise: '', Idevise: '', ...o });
const fec = (fields, rows, sep = '\t', eol = '\r\n') =>
  [fields.join(sep), ...rows.map((r) => fields.map((f) => r[f] ?? '').join(sep))].join(eol) + eol;
const rules = (r) => [...new Set(r.problems.map((p) => p.rule))].sort();

// Valid general FEC: à-nouveaux, two fee invoices (one lettered to its payment), the payment,
// one line with a foreign-currency amount signed on the right.
function generalRows() {
  const base = { PieceDate: '20240115', ValidDate: '20240131' };
  return [
    row({ ...base, JournalCode: 'AN', JournalLib: 'A nouveaux', EcritureNum: '1', EcritureDate: '20240101', CompteNum: '512000', CompteLib: 'Banque', PieceRef: 'AN2024', PieceDate: '20240101', EcritureLib: 'Reprise des soldes', Debit: '1500,00', Credit: '0,00' }),
    row({ ...base, JournalCode: 'AN', JournalLib: 'A nouveaux', EcritureNum: '1', EcritureDate: '20240101', CompteNum: '101000', CompteLib: 'Capital', PieceRef: 'AN2024', PieceDate: '20240101', EcritureLib: 'Reprise des soldes', Debit: '0,00', Credit: '1500,00' }),
    row({ ...base, JournalCode: 'VT', JournalLib: 'Honoraires', EcritureNum: 'VT000001', EcritureDate: '20240115', CompteNum: '411000', CompteLib: 'Patients', CompAuxNum: 'P0001', CompAuxLib: 'Dupont Hélène', PieceRef: 'F2024-001', EcritureLib: 'Consultation', Debit: '60,00', Credit: '0,00', EcritureLet: 'A', DateLet: '20240120' }),
    row({ ...base, JournalCode: 'VT', JournalLib: 'Honoraires', EcritureNum: 'VT000001', EcritureDate: '20240115', CompteNum: '706000', CompteLib: 'Prestations de services', PieceRef: 'F2024-001', EcritureLib: 'Consultation', Debit: '0,00', Credit: '60,00' }),
    row({ ...base, JournalCode: 'VT', JournalLib: 'Honoraires', EcritureNum: 'VT000002', EcritureDate: '20240116', CompteNum: '411000', CompteLib: 'Patients', CompAuxNum: 'P0002', CompAuxLib: 'Martin Paul', PieceRef: 'F2024-002', PieceDate: '20240116', EcritureLib: 'Bilan', Debit: '0080,00', Credit: '0,00', Montantdevise: '12,50-', Idevise: 'CHF' }),
    row({ ...base, JournalCode: 'VT', JournalLib: 'Honoraires', EcritureNum: 'VT000002', EcritureDate: '20240116', CompteNum: '706000', CompteLib: 'Prestations de services', PieceRef: 'F2024-002', PieceDate: '20240116', EcritureLib: 'Bilan', Debit: '0', Credit: '80,00' }),
    row({ ...base, JournalCode: 'BQ', JournalLib: 'Banque', EcritureNum: '1', EcritureDate: '20240120', CompteNum: '512000', CompteLib: 'Banque', PieceRef: 'R2024-001', PieceDate: '20240120', EcritureLib: 'Reglement Dupont', Debit: '60,00', Credit: '0,00' }),
    row({ ...base, JournalCode: 'BQ', JournalLib: 'Banque', EcritureNum: '1', EcritureDate: '20240120', CompteNum: '411000', CompteLib: 'Patients', CompAuxNum: 'P0001', CompAuxLib: 'Dupont Hélène', PieceRef: 'R2024-001', PieceDate: '20240120', EcritureLib: 'Reglement Dupont', Debit: '0,00', Credit: '60,00', EcritureLet: 'A', DateLet: '20240120' }),
  ];
}
const general = (edit = () => {}, fields = GENERAL_FIELDS, sep) => { const rs = generalRows(); edit(rs); return fec(fields, rs, sep); };

// Valid BNC cash-basis FEC (22 zones): JournalCode, JournalLib and one CompteNum left blank, as
// VIII 7° allows; a receipt and an expense, each in double entry.
function bncRows() {
  const r = (o) => row({ JournalCode: '', JournalLib: '', ValidDate: '20240131', NatOp: '', IdClient: '', ...o });
  return [
    r({ EcritureNum: '1', EcritureDate: '20240105', CompteNum: '512000', CompteLib: 'Banque', PieceRef: 'Q2024-0001', PieceDate: '20240105', EcritureLib: 'Consultation', Debit: '50,00', Credit: '0,00', DateRglt: '20240105', ModeRglt: 'Carte bancaire', NatOp: 'Honoraires' }),
    r({ EcritureNum: '1', EcritureDate: '20240105', CompteNum: '', CompteLib: 'Recettes', PieceRef: 'Q2024-0001', PieceDate: '20240105', EcritureLib: 'Consultation', Debit: '0,00', Credit: '50,00', DateRglt: '20240105', ModeRglt: 'Carte bancaire', NatOp: 'Honoraires' }),
    r({ EcritureNum: '2', EcritureDate: '20240110', CompteNum: '606400', CompteLib: 'Fournitures', PieceRef: 'FA-77', PieceDate: '20240108', EcritureLib: 'Papeterie', Debit: '30,00', Credit: '0,00', DateRglt: '20240110', ModeRglt: 'Cheque' }),
    r({ EcritureNum: '2', EcritureDate: '20240110', CompteNum: '512000', CompteLib: 'Banque', PieceRef: 'FA-77', PieceDate: '20240108', EcritureLib: 'Papeterie', Debit: '0,00', Credit: '30,00', DateRglt: '20240110', ModeRglt: 'Cheque' }),
  ];
}
const bnc = (edit = () => {}, fields = BNC_TRESORERIE_FIELDS) => { const rs = bncRows(); edit(rs); return fec(fields, rs); };
// The valid text with only its header line changed (rename one field name).
const renamed = (text, from, to) => text.replace(new RegExp(`(^|\t)${from}(?=\t|\r)`), `$1${to}`);

// ---------------------------------------------------------------------------------------------
// Valid files

test('valid general FEC: no problem, summary in cents', () => {
  const r = validateFec(general(), OPTS);
  assert.deepEqual(r.problems, []);
  assert.equal(r.ok, true);
  assert.deepEqual(r.summary, { lines: 8, entries: 4, journals: 3, debit: 170000, credit: 170000 });
  assert.equal(r.variant, 'general');
  assert.equal(r.yearStart, '20240101');
});

test('valid BNC trésorerie FEC, variant detected from the header', () => {
  const r = validateFec(bnc(), { fileName: '987654321FEC20241231.txt' });
  assert.deepEqual(r.problems, []);
  assert.equal(r.variant, 'bnc-tresorerie');
  assert.deepEqual(r.summary, { lines: 4, entries: 2, journals: 1, debit: 8000, credit: 8000 });
});

test('valid: "|" separator, LF only, bytes in UTF-8 with a BOM', () => {
  const text = general(undefined, GENERAL_FIELDS, '|').replace(/\r\n/g, '\n');
  const r = validateFec(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]), OPTS);
  assert.deepEqual(r.problems, []);
  assert.equal(r.separator, 'pipe');
  assert.equal(r.encoding, 'UTF-8');
});

test('valid: ISO 8859-15 bytes (0xA4 is the euro sign)', () => {
  const r = validateFec(Buffer.from(general((rs) => { rs[3].CompteLib = rs[5].CompteLib = 'Prestations \u00a4'; }), 'latin1'), OPTS);
  assert.deepEqual(r.problems, []);
  assert.equal(r.encoding, 'ISO-8859-15');
});

test('valid: Montant + Sens instead of Debit + Credit (D/C and +1/-1)', () => {
  for (const [d, c] of [['D', 'C'], ['+1', '-1']]) {
    const fields = GENERAL_FIELDS.map((f) => (f === 'Debit' ? 'Montant' : f === 'Credit' ? 'Sens' : f));
    const text = general((rs) => rs.forEach((x) => {
      const debit = x.Debit !== '0,00' && x.Debit !== '0';
      Object.assign(x, { Montant: debit ? x.Debit : x.Credit, Sens: debit ? d : c });
    }), fields);
    const r = validateFec(text, OPTS);
    assert.deepEqual(r.problems, []);
    assert.equal(r.amountMode, 'montant-sens');
    assert.equal(r.summary.debit, 170000);
  }
});

test('valid: one sequence across all journals is a continuous numbering too', () => {
  const r = validateFec(general((rs) => {
    rs[0].EcritureNum = rs[1].EcritureNum = '1';
    rs[2].EcritureNum = rs[3].EcritureNum = '2';
    rs[4].EcritureNum = rs[5].EcritureNum = '3';
    rs[6].EcritureNum = rs[7].EcritureNum = '4';
  }), OPTS);
  assert.deepEqual(r.problems, []);
  assert.equal(r.numbering, 'file');
});

test('valid: extra zones after the 18 are allowed; signed amounts both ways', () => {
  const fields = [...GENERAL_FIELDS, 'Analytique'];
  const r = validateFec(general((rs) => {
    rs.forEach((x) => { x.Analytique = 'cab1'; });
    rs[4].Debit = '+80,00';
    rs[5].Debit = '-0,00';
  }, fields), OPTS);
  assert.deepEqual(r.problems, []);
});

test('valid: the BNC table\'s own spelling « Crédit » is accepted in that variant', () => {
  const fields = BNC_TRESORERIE_FIELDS.map((f) => (f === 'Credit' ? 'Crédit' : f));
  const r = validateFec(bnc((rs) => rs.forEach((x) => { x['Crédit'] = x.Credit; }), fields), {});
  assert.deepEqual(r.problems, []);
});

// ---------------------------------------------------------------------------------------------
// One failing case per rule

const fails = (name, text, opts, expected) => test(`fails: ${name}`, () => {
  const r = validateFec(text, opts);
  assert.equal(r.ok, false);
  assert.deepEqual(rules(r), expected, JSON.stringify(r.problems, null, 1));
});

fails('header field missing (Idevise)', fec(GENERAL_FIELDS.slice(0, 17), generalRows()), OPTS, ['header']);
fails('header field renamed', renamed(general(), 'PieceRef', 'PieceNum'), OPTS, ['header']);
fails('header spelling: MontantDevise', renamed(general(), 'Montantdevise', 'MontantDevise'), OPTS, ['header']);
fails('header: « Crédit » outside the BNC variant', renamed(general(), 'Credit', 'Crédit'), OPTS, ['header']);
fails('header: BNC trésorerie without IdClient', fec(BNC_TRESORERIE_FIELDS.slice(0, 21), bncRows()), {}, ['header']);
fails('header: fields out of order', general().replace('JournalCode\tJournalLib', 'JournalLib\tJournalCode'), OPTS, ['header']);
fails('separator ";"', general(undefined, GENERAL_FIELDS, ';'), OPTS, ['separator']);
fails('field-count: a record with one zone too many',
  general().replace(/\r\n$/, `\r\n${general().split('\r\n')[3]}\textra\r\n`), OPTS, ['field-count']);
fails('field-count: an empty record', general().replace('\r\n', '\r\n\r\n'), OPTS, ['field-count']);
fails('date-format: 2024-01-15', general((rs) => { rs[2].EcritureDate = '2024-01-15'; }), OPTS, ['date-format']);
fails('date-format: 20240230 is no date', general((rs) => { rs[2].PieceDate = '20240230'; }), OPTS, ['date-format']);
fails('amount-format: a dot as decimal separator', general((rs) => { rs[2].Debit = '60.00'; }), OPTS, ['amount-format']);
fails('amount-format: a thousands separator', general((rs) => { rs[0].Debit = '1 500,00'; }), OPTS, ['amount-format']);
fails('amount-format: Montantdevise with a dot', general((rs) => { rs[4].Montantdevise = '12.50'; }), OPTS, ['amount-format']);
fails('amount-precision: three decimals', general((rs) => { rs[2].Debit = '60,001'; }), OPTS, ['amount-precision']);
fails('mandatory: EcritureLib empty', general((rs) => { rs[3].EcritureLib = ''; }), OPTS, ['mandatory']);
fails('mandatory: ValidDate empty', general((rs) => { rs[6].ValidDate = ''; }), OPTS, ['mandatory']);
fails('mandatory: JournalCode empty in a general FEC', general((rs) => { rs[0].JournalCode = rs[1].JournalCode = ''; }), OPTS, ['mandatory']);
fails('mandatory: BNC DateRglt empty', bnc((rs) => { rs[2].DateRglt = ''; }), {}, ['mandatory']);
fails('mandatory: BNC ModeRglt blank (spaces)', bnc((rs) => { rs[0].ModeRglt = '  '; }), {}, ['mandatory']);
fails('aux-pair: CompAuxNum without CompAuxLib', general((rs) => { rs[2].CompAuxLib = ''; }), OPTS, ['aux-pair']);
fails('aux-label: one patient account named two ways', general((rs) => { rs[7].CompAuxLib = 'Dupont-Martin Hélène'; }), OPTS, ['aux-label']);
fails('account-label: one account named two ways', general((rs) => { rs[6].CompteLib = 'Banque postale'; }), OPTS, ['account-label']);
fails('currency-pair: Montantdevise without Idevise', general((rs) => { rs[4].Idevise = ''; }), OPTS, ['currency-pair']);
fails('letter-pair: EcritureLet without DateLet', general((rs) => { rs[7].DateLet = ''; }), OPTS, ['letter-pair']);
fails('account-number: CompteNum not starting with 3 digits', general((rs) => { rs[3].CompteNum = 'HON706'; }), OPTS, ['account-number']);
fails('debit-credit-exclusive: both sides on one line', general((rs) => { rs[2].Credit = '10,00'; rs[3].Credit = '50,00'; }), OPTS, ['debit-credit-exclusive']);
fails('balanced: debits ≠ credits', general((rs) => { rs[3].Credit = '59,99'; }), OPTS, ['balanced']);
fails('sequence: a gap in a journal', general((rs) => { rs[4].EcritureNum = rs[5].EcritureNum = 'VT000003'; }), OPTS, ['sequence']);
fails('sequence: an inversion', general((rs) => {
  rs[2].EcritureNum = rs[3].EcritureNum = 'VT000002';
  rs[4].EcritureNum = rs[5].EcritureNum = 'VT000001';
}), OPTS, ['sequence']);
fails('sequence: a number without digits', general((rs) => { rs[6].EcritureNum = rs[7].EcritureNum = 'BQ'; }), OPTS, ['sequence']);
fails('entry-contiguous: an entry split by another', general((rs) => { rs.splice(5, 0, rs.splice(3, 1)[0]); }), OPTS, ['entry-contiguous']);
fails('entry-date: one entry, two dates', general((rs) => { rs[3].EcritureDate = '20240116'; }), OPTS, ['entry-date']);
fails('chronology: a later number dated earlier', general((rs) => { rs[4].EcritureDate = rs[5].EcritureDate = '20240110'; }), OPTS, ['chronology']);
fails('within-year: an entry after the closing date', general((rs) => { rs[6].EcritureDate = rs[7].EcritureDate = '20250105'; }), OPTS, ['within-year']);
fails('within-year: --year-end given without a file name', general((rs) => { rs[0].EcritureDate = rs[1].EcritureDate = '20231231'; }), { yearEnd: '20241231' }, ['within-year']);
fails('file-name: not SirenFECAAAAMMJJ', general(), { fileName: 'FEC_2024.txt' }, ['file-name']);
fails('file-name: another SIREN', general(), { fileName: NAME, siren: '552100554' }, ['file-name']);
fails('file-name: another closing date', general(), { fileName: NAME, yearEnd: '20240630' }, ['file-name']);
fails('sens-value: Sens X', (() => {
  const fields = GENERAL_FIELDS.map((f) => (f === 'Debit' ? 'Montant' : f === 'Credit' ? 'Sens' : f));
  return general((rs) => rs.forEach((x, i) => Object.assign(x, { Montant: i % 2 ? x.Credit : x.Debit, Sens: i % 2 ? 'C' : i === 2 ? 'X' : 'D' })), fields);
})(), OPTS, ['sens-value']);
fails('sens-value: D/C and +1/-1 mixed', (() => {
  const fields = GENERAL_FIELDS.map((f) => (f === 'Debit' ? 'Montant' : f === 'Credit' ? 'Sens' : f));
  return general((rs) => rs.forEach((x, i) => Object.assign(x, { Montant: i % 2 ? x.Credit : x.Debit, Sens: i % 2 ? (i > 4 ? '-1' : 'C') : (i > 4 ? '+1' : 'D') })), fields);
})(), OPTS, ['sens-value']);
fails('encoding: a Windows-1252 byte (0x80)', Buffer.from(general((rs) => { rs[3].CompteLib = rs[5].CompteLib = 'Prestations \u0080'; }), 'latin1'), OPTS, ['encoding']);

test('problems carry the line number (header = line 1)', () => {
  const r = validateFec(general((rs) => { rs[3].Credit = '59,99'; rs[4].EcritureDate = rs[5].EcritureDate = 'x'; }), OPTS);
  assert.deepEqual(r.problems.map((p) => [p.line, p.rule]), [[4, 'balanced'], [6, 'date-format'], [7, 'date-format']]);
});

// ---------------------------------------------------------------------------------------------
// Parsing helpers

test('amounts are parsed to integer cents from the string', () => {
  assert.equal(parseFecAmount('1234,56').cents, 123456n);
  assert.equal(parseFecAmount('0,1').cents, 10n);
  assert.equal(parseFecAmount('-0000012,5').cents, -1250n);
  assert.equal(parseFecAmount('12,50-').cents, -1250n);
  assert.equal(parseFecAmount('90071992547409,93').cents, 9007199254740993n); // beyond float precision
  for (const bad of ['12.50', '1 234,56', ',5', '5,', '-5-', '', 'abc', '1e3']) assert.ok(parseFecAmount(bad).error, bad);
  assert.ok(isFecDate('20240229') && !isFecDate('20230229') && !isFecDate('2024-02-29') && !isFecDate('20241301'));
});

// ---------------------------------------------------------------------------------------------
// CLI

test('CLI: exit 0 valid, 1 with problems, 2 on usage error; one line per problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fec-'));
  try {
    const cli = join(HERE, 'validate_fec.mjs');
    const run = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
    const good = join(dir, NAME);
    writeFileSync(good, general());
    let p = run('--siren=123456789', '--year-end=20241231', good);
    assert.equal(p.status, 0, p.stdout + p.stderr);
    assert.match(p.stdout, /valid: 0 problems; 8 lines, 4 entries, 3 journals, debit 1700,00, credit 1700,00/);

    const bad = join(dir, '123456789FEC20251231.txt');
    writeFileSync(bad, general((rs) => { rs[3].Credit = '59,99'; }));
    p = run('--variant=general', bad);
    assert.equal(p.status, 1);
    const lines = p.stdout.trim().split('\n');
    assert.ok(lines.includes(`${bad}:4: balanced: entry VT/VT000001: debits 60,00 ≠ credits 59,99 (difference 0,01)`), p.stdout);
    assert.ok(lines.some((l) => l.startsWith(`${bad}:2: within-year:`)), p.stdout);
    assert.match(lines.at(-1), /INVALID/);

    assert.equal(run().status, 2);
    assert.equal(run('--variant=bnc', good).status, 2);
    assert.equal(run('--siren=12345', good).status, 2);
    assert.equal(run('--year-end=2024-12-31', good).status, 2);
    assert.equal(run('--frobnicate', good).status, 2);
    assert.equal(run(join(dir, 'missing.txt')).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
