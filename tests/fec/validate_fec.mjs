#!/usr/bin/env node
// Independent validator for the French « fichier des écritures comptables » (FEC).
//
// Written from the text of the regulation, not from any exporter:
//   - LPF art. A47 A-1 (version of the arrêté du 29 juillet 2013), cited below as
//     "A47 A-1 <section> <item>", e.g. "A47 A-1 VII 1°";
//   - BOFiP BOI-CF-IOR-60-40-20 (07/06/2017), cited as "BOFiP § n".
// See RULES.md (next to this file) for each rule with its source text.
// Comments marked INTERPRETATION are this validator's reading where the text is silent.
//
// Library: validateFec(textOrBytes, {fileName, variant, siren, yearEnd, yearStart})
//   -> {ok, problems: [{line, rule, message}], summary: {lines, entries, journals, debit, credit}, ...}
//   Money is parsed from the strings into integer cents (BigInt inside, Number in the summary);
//   never through floats.
// CLI:     node tests/fec/validate_fec.mjs [--variant=general|bnc-tresorerie] [--siren=123456789]
//            [--year-end=AAAAMMJJ] [--year-start=AAAAMMJJ] FILE...
//   One "FILE:LINE: rule: message" per problem (LINE 0 = the file as a whole), then a summary line.
//   Exit 0 if every file is valid, 1 if any problem, 2 on a usage error or an unreadable file.
// No dependencies; Node 20.

import { readFileSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Field lists
// ---------------------------------------------------------------------------------------------

// A47 A-1 VII 1° (BIC / IS) and VIII 3° (BNC / BA keeping commercial-law books): the first 18
// zones, "dans l'ordre". Names exactly as the tables spell them (note "Montantdevise", "Idevise").
export const GENERAL_FIELDS = Object.freeze([
  'JournalCode', 'JournalLib', 'EcritureNum', 'EcritureDate', 'CompteNum', 'CompteLib',
  'CompAuxNum', 'CompAuxLib', 'PieceRef', 'PieceDate', 'EcritureLib', 'Debit', 'Credit',
  'EcritureLet', 'DateLet', 'ValidDate', 'Montantdevise', 'Idevise',
]);

// A47 A-1 VIII 7° (BNC, comptabilité de trésorerie « recettes-dépenses »): the first 22 zones.
// (VIII 5°, BA de trésorerie, is the same without IdClient: 21 zones; not a variant here.)
export const BNC_TRESORERIE_FIELDS = Object.freeze([
  ...GENERAL_FIELDS, 'DateRglt', 'ModeRglt', 'NatOp', 'IdClient',
]);

export const VARIANTS = Object.freeze({
  general: { fields: GENERAL_FIELDS },
  'bnc-tresorerie': { fields: BNC_TRESORERIE_FIELDS },
});

// Zones the tables mark « (à blanc si non utilisé) »; every other zone must be filled.
const BLANK_ALLOWED = {
  // A47 A-1 VII 1°: items 7, 8, 14, 15, 17, 18.
  general: new Set(['CompAuxNum', 'CompAuxLib', 'EcritureLet', 'DateLet', 'Montantdevise', 'Idevise']),
  // A47 A-1 VIII 7°: also items 1, 2, 5 (JournalCode, JournalLib, CompteNum), 21 and 22.
  // DateRglt (19) and ModeRglt (20) carry no such mention: they are mandatory.
  'bnc-tresorerie': new Set(['JournalCode', 'JournalLib', 'CompteNum', 'CompAuxNum', 'CompAuxLib',
    'EcritureLet', 'DateLet', 'Montantdevise', 'Idevise', 'NatOp', 'IdClient']),
};

// TYPE DE CHAMP « Date » in the tables; format per A47 A-1 XII 4°.
const DATE_FIELDS = ['EcritureDate', 'PieceDate', 'DateLet', 'ValidDate', 'DateRglt'];
// TYPE DE CHAMP « Numérique » holding money; format per A47 A-1 XII 2°.
const BOOK_AMOUNT_FIELDS = ['Debit', 'Credit', 'Montant'];

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const blank = (s) => s === undefined || s.trim() === '';

function daysInMonth(y, m) {
  return [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

// A47 A-1 XII 4°: « Les dates sont exprimées au format AAAAMMJJ sans séparateur. »
// Also a real calendar day (20240230 is refused).
export function isFecDate(s) {
  if (!/^\d{8}$/.test(s)) return false;
  const y = +s.slice(0, 4), m = +s.slice(4, 6), d = +s.slice(6, 8);
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

// The day after the same date one year earlier: the default first day of a 12-month fiscal year.
function defaultYearStart(yearEnd) {
  const y = +yearEnd.slice(0, 4) - 1, m = +yearEnd.slice(4, 6), d = Math.min(+yearEnd.slice(6, 8), daysInMonth(y, m));
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return `${t.getUTCFullYear()}`.padStart(4, '0') + `${t.getUTCMonth() + 1}`.padStart(2, '0') + `${t.getUTCDate()}`.padStart(2, '0');
}

// A47 A-1 XII 2°: « La virgule sépare la fraction entière de la partie décimale. Aucun séparateur
// de millier n'est accepté. Les valeurs numériques peuvent être signées. Le signe est indiqué soit
// par le premier caractère à partir de la gauche, soit par le dernier caractère figurant à droite
// de la partie décimale ». Leading zeros are allowed (zero-filled fixed-length zones).
const AMOUNT_RE = /^(?:([+-]?)(\d+)(?:,(\d+))?|(\d+)(?:,(\d+))?([+-]))$/;

// Returns {cents: BigInt|null, decimals} or {error}. cents is null when there are more than two
// decimals (not a whole number of cents).
export function parseFecAmount(s) {
  const m = AMOUNT_RE.exec(s);
  if (!m) {
    let why = 'is not a decimal number written like 1234,56 (sign first or last)';
    if (s.includes('.')) why = 'contains a dot: the decimal separator is the comma and no thousands separator is accepted';
    else if (/\s/.test(s)) why = 'contains spaces (no thousands separator, no padding in variable-length zones)';
    else if (/^[+-]?\d+,$/.test(s) || /^[+-]?,\d+$/.test(s)) why = 'has the comma without digits on both sides';
    else if (/^[+-]\d+(,\d+)?[+-]$/.test(s)) why = 'carries a sign at both ends';
    return { error: why };
  }
  const sign = m[1] || m[6] || '';
  const int = m[2] ?? m[4];
  const frac = m[3] ?? m[5] ?? '';
  if (frac.length > 2) return { cents: null, decimals: frac.length };
  let cents = BigInt(int) * 100n + BigInt(frac.padEnd(2, '0'));
  if (sign === '-') cents = -cents;
  return { cents, decimals: frac.length };
}

// Cents -> "1234,56" (for messages and the CLI summary).
export function formatCents(c) {
  const b = BigInt(c), neg = b < 0n, a = neg ? -b : b;
  return `${neg ? '-' : ''}${a / 100n},${`${a % 100n}`.padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Encoding (A47 A-1 XII 1°): « ASCII, norme ISO 8859-15 ou ... unicode ... de type UTF-8 »
// ---------------------------------------------------------------------------------------------

// ISO 8859-15 differs from ISO 8859-1 at eight code points.
const LATIN9 = { 0xa4: '€', 0xa6: 'Š', 0xa8: 'š', 0xb4: 'Ž', 0xb8: 'ž', 0xbc: 'Œ', 0xbd: 'œ', 0xbe: 'Ÿ' };

function lineOfByte(u8, index) {
  let line = 1;
  for (let i = 0; i < index; i++) {
    if (u8[i] === 0x0a) line++;
    else if (u8[i] === 0x0d && u8[i + 1] !== 0x0a) line++;
  }
  return line;
}

// Bytes -> {text, encoding, problems}. Valid UTF-8 is read as UTF-8, anything else as ISO 8859-15.
// Bytes 0x80-0x9F outside UTF-8 are C1 control codes in ISO 8859-15: they almost always mean
// Windows-1252 (e.g. 0x80 = '€'), which the text does not allow.
export function decodeFec(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const problems = [];
  const bom = u8[0] === 0xef && u8[1] === 0xbb && u8[2] === 0xbf;
  const body = bom ? u8.subarray(3) : u8;
  if (!body.some((b) => b >= 0x80)) {
    return { text: Buffer.from(body).toString('latin1'), encoding: bom ? 'UTF-8' : 'ASCII', problems };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'UTF-8', problems };
  } catch {
    if (bom) {
      problems.push({ line: 1, rule: 'encoding', message: 'starts with a UTF-8 byte order mark but is not valid UTF-8' });
    }
    const c1 = body.findIndex((b) => b >= 0x80 && b <= 0x9f);
    if (c1 >= 0) {
      problems.push({
        line: lineOfByte(body, c1), rule: 'encoding',
        message: `byte 0x${body[c1].toString(16).toUpperCase()} is neither UTF-8 nor a character of ISO 8859-15 ` +
          '(Windows-1252?); allowed: ASCII, ISO 8859-15, UTF-8 (A47 A-1 XII 1°)',
      });
    }
    let text = '';
    for (const b of body) text += LATIN9[b] ?? String.fromCharCode(b);
    return { text, encoding: 'ISO-8859-15', problems };
  }
}

// ---------------------------------------------------------------------------------------------
// Sequence analysis
// ---------------------------------------------------------------------------------------------

// INTERPRETATION: EcritureNum is alphanumeric; its continuity is read on the trailing digits,
// the part before them (a prefix such as "VT" or "2024-") staying the same along a sequence.
function splitNum(num) {
  const m = /^(.*?)(\d+)$/.exec(num);
  return m ? { prefix: m[1], n: BigInt(m[2]) } : null;
}

// Problems of a list of entries (in file order) read as one continuous sequence.
function sequenceProblems(list, where) {
  const out = [];
  let prev = null;
  for (const e of list) {
    const cur = splitNum(e.num);
    if (!cur) {
      out.push({ line: e.firstLine, rule: 'sequence', message: `${where}EcritureNum '${e.num}' ends with no digits: its place in a continuous sequence cannot be checked` });
      prev = null;
      continue;
    }
    if (prev) {
      const p = splitNum(prev.num);
      if (p.prefix !== cur.prefix) {
        out.push({ line: e.firstLine, rule: 'sequence', message: `${where}EcritureNum '${e.num}' follows '${prev.num}': the prefix changes within the sequence` });
      } else if (cur.n <= p.n) {
        out.push({ line: e.firstLine, rule: 'sequence', message: `${where}EcritureNum '${e.num}' follows '${prev.num}': numbers must increase (no inversion, no reuse)` });
      } else if (cur.n !== p.n + 1n) {
        const missing = cur.n - p.n - 1n;
        out.push({ line: e.firstLine, rule: 'sequence', message: `${where}EcritureNum jumps from '${prev.num}' to '${e.num}': ${missing} number${missing > 1n ? 's' : ''} missing (« séquence continue »)` });
      }
    }
    prev = e;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The validator
// ---------------------------------------------------------------------------------------------

/**
 * @param {string|Uint8Array} input  the file's text, or its bytes (then the encoding is checked too)
 * @param {{fileName?: string, variant?: 'general'|'bnc-tresorerie', siren?: string,
 *          yearEnd?: string, yearStart?: string}} [options]
 */
export function validateFec(input, options = {}) {
  const { fileName, siren } = options;
  const problems = [];
  const add = (line, rule, message) => problems.push({ line, rule, message });

  // --- encoding --------------------------------------------------------------------------------
  let text, encoding = 'text';
  if (typeof input === 'string') {
    text = input;
  } else {
    const d = decodeFec(input);
    text = d.text;
    encoding = d.encoding;
    problems.push(...d.problems);
  }
  // INTERPRETATION: a UTF-8 byte order mark is tolerated (UTF-8 is allowed; the BOM is not part
  // of the first field name).
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  // --- file name (A47 A-1 IX) ------------------------------------------------------------------
  // « SirenFECAAAAMMJJ, où "Siren" est le Siren du contribuable ... et AAAAMMJJ la date de clôture
  // de l'exercice comptable. » INTERPRETATION: any one extension (".txt") is accepted; the text
  // names no extension. The SIREN's Luhn key is not checked (the text does not ask for it).
  let yearEnd = options.yearEnd;
  if (fileName !== undefined) {
    const stem = basename(fileName).replace(/\.[^.]*$/, '');
    const m = /^(\d{9})FEC(\d{8})$/.exec(stem);
    if (!m) {
      add(0, 'file-name', `'${basename(fileName)}' is not named SirenFECAAAAMMJJ (9-digit SIREN, "FEC", closing date), e.g. 123456789FEC20241231.txt (A47 A-1 IX)`);
    } else {
      if (!isFecDate(m[2])) add(0, 'file-name', `the closing date '${m[2]}' in the file name is not a date AAAAMMJJ (A47 A-1 IX)`);
      if (siren !== undefined && m[1] !== siren) add(0, 'file-name', `the file name carries SIREN ${m[1]}, expected ${siren} (A47 A-1 IX)`);
      if (options.yearEnd !== undefined && m[2] !== options.yearEnd) add(0, 'file-name', `the file name carries closing date ${m[2]}, expected ${options.yearEnd} (A47 A-1 IX)`);
      if (yearEnd === undefined && isFecDate(m[2])) yearEnd = m[2];
    }
  }
  const yearStart = options.yearStart ?? (yearEnd ? defaultYearStart(yearEnd) : undefined);

  const summary = { lines: 0, entries: 0, journals: 0, debit: 0, credit: 0 };
  const result = (extra) => ({
    ok: problems.length === 0,
    problems: problems.sort((a, b) => a.line - b.line),
    summary,
    ...extra,
  });

  // --- records (A47 A-1 VI 1° a) ---------------------------------------------------------------
  // « Les enregistrements sont séparés par le caractère de contrôle Retour chariot et/ou Fin de ligne »
  const records = text.split(/\r\n|\r|\n/);
  if (records.length > 1 && records[records.length - 1] === '') records.pop(); // final terminator
  const header = records[0] ?? '';
  if (header === '') {
    add(1, 'header', 'the first line must hold the field names (A47 A-1 VII 4°, VIII 9°); the file is empty or starts with an empty line');
    return result({ encoding });
  }

  // --- separator (A47 A-1 VI 1° c, I 4°) -------------------------------------------------------
  // « Les zones sont obligatoirement séparées par une tabulation ou le caractère "|" » and the
  // separator is « unique et non équivoque dans chaque fichier ». Read from the header line.
  const hasTab = header.includes('\t'), hasPipe = header.includes('|');
  if (!hasTab && !hasPipe) {
    add(1, 'separator', 'the header has neither a tab nor "|": zones must be separated by a tab or "|" (A47 A-1 VI 1° c)');
    return result({ encoding });
  }
  if (hasTab && hasPipe) {
    add(1, 'separator', 'the header holds both tabs and "|": the zone separator must be unique and unequivocal (A47 A-1 I 4°)');
  }
  const sep = hasTab && (!hasPipe || header.split('\t').length >= header.split('|').length) ? '\t' : '|';
  const names = header.split(sep);

  // --- variant and amount layout ---------------------------------------------------------------
  // Detected from the header when not given: zone 19 named DateRglt means the BNC cash-basis table.
  let variant = options.variant;
  if (variant === undefined) variant = names[18]?.trim().toLowerCase() === 'daterglt' ? 'bnc-tresorerie' : 'general';
  if (!VARIANTS[variant]) throw new Error(`unknown variant '${variant}' (general or bnc-tresorerie)`);
  // A47 A-1 VII 2°, VIII 4°/6°/8°: Debit and Credit (12, 13) may be replaced by Montant and Sens.
  const amountMode = names[11]?.trim().toLowerCase() === 'montant' && names[12]?.trim().toLowerCase() === 'sens' ? 'montant-sens' : 'debit-credit';
  const expected = VARIANTS[variant].fields.map((f) => (amountMode === 'montant-sens' && f === 'Debit' ? 'Montant' : amountMode === 'montant-sens' && f === 'Credit' ? 'Sens' : f));

  // --- header (A47 A-1 VII 4°, VIII 9°; BOFiP § 10) ----------------------------------------------
  // « la première ligne du fichier comporte le nom des champs, comme défini dans le tableau »;
  // the first 18 (22) zones « devant obligatoirement correspondre, dans l'ordre » to the table.
  // Further zones after them are allowed (« l'ensemble des données comptables » of the system).
  expected.forEach((want, i) => {
    const got = names[i];
    if (got === want) return;
    // The VIII 7° table (BNC trésorerie) spells zone 13 « Crédit »; VII and VIII 3° spell it
    // « Credit », as does the DGFiP's Test Compta Demat. Both are accepted for this variant only.
    if (variant === 'bnc-tresorerie' && want === 'Credit' && got === 'Crédit') return;
    if (got === undefined) add(1, 'header', `field ${i + 1} '${want}' is missing (the first ${expected.length} fields must be, in order: ${expected.join(', ')})`);
    else if (got.trim().toLowerCase() === want.toLowerCase()) add(1, 'header', `field ${i + 1} is written '${got}', the text spells it '${want}'`);
    else add(1, 'header', `field ${i + 1} is '${got}', expected '${want}'`);
  });
  names.slice(expected.length).forEach((n, j) => {
    if (blank(n)) add(1, 'header', `field ${expected.length + j + 1} has no name (a separator at the end of the line?)`);
  });
  if (names.length < expected.length) {
    // The zones cannot be told apart by position: stop before the records.
    summary.lines = records.length - 1;
    return result({ encoding, variant, amountMode, separator: sep === '\t' ? 'tab' : 'pipe' });
  }

  const optional = BLANK_ALLOWED[variant];
  const col = Object.fromEntries(expected.map((n, i) => [n, i]));
  let debitTotal = 0n, creditTotal = 0n;
  let sensStyle = null; // 'DC' or '+1-1', A47 A-1 X
  const entries = new Map(); // JournalCode \0 EcritureNum -> entry
  const order = [];          // entries in order of first appearance
  const journalCodes = new Set();
  const labels = { CompteNum: new Map(), CompAuxNum: new Map() }; // number -> [label, first line]
  let prevKey = null;

  for (let r = 1; r < records.length; r++) {
    const line = r + 1;
    const rec = records[r];
    summary.lines++;
    if (rec === '') { add(line, 'field-count', 'empty record'); prevKey = null; continue; }
    const f = rec.split(sep);
    if (f.length !== names.length) {
      add(line, 'field-count', `${f.length} zones where the header has ${names.length} (a separator inside a value, or a missing zone?)`);
      prevKey = null;
      continue;
    }
    const v = (name) => f[col[name]];

    // mandatory zones: those not marked « (à blanc si non utilisé) » in the variant's table
    for (const name of expected) {
      if (!optional.has(name) && blank(v(name))) add(line, 'mandatory', `${name} is empty; the ${variant} table does not allow it blank`);
    }

    // dates (A47 A-1 XII 4°)
    for (const name of DATE_FIELDS) {
      if (name in col && !blank(v(name)) && !isFecDate(v(name))) add(line, 'date-format', `${name} '${v(name)}' is not a date AAAAMMJJ without separator (A47 A-1 XII 4°)`);
    }

    // amounts (A47 A-1 XII 2°)
    const amounts = {};
    for (const name of [...BOOK_AMOUNT_FIELDS, 'Montantdevise']) {
      if (!(name in col) || blank(v(name))) continue;
      const a = parseFecAmount(v(name));
      if (a.error) { add(line, 'amount-format', `${name} '${v(name)}' ${a.error} (A47 A-1 XII 2°)`); continue; }
      // INTERPRETATION: book amounts are euros, so at most two decimals (whole cents). The text
      // sets no number of decimals; Montantdevise, in another currency, may have more.
      if (a.cents === null && name !== 'Montantdevise') { add(line, 'amount-precision', `${name} '${v(name)}' has ${a.decimals} decimals: not a whole number of cents`); continue; }
      amounts[name] = a.cents;
    }

    let debit = null, credit = null;
    if (amountMode === 'debit-credit') {
      if ('Debit' in amounts && 'Credit' in amounts) {
        debit = amounts.Debit; credit = amounts.Credit;
        // INTERPRETATION: one line carries its amount on one side. Both sides 0 stay allowed
        // (a line recorded in a foreign currency only).
        if (debit !== 0n && credit !== 0n) add(line, 'debit-credit-exclusive', `both Debit (${v('Debit')}) and Credit (${v('Credit')}) are non-zero on one line`);
      }
    } else {
      // A47 A-1 X: « la valeur "D" indique un montant au débit, la valeur "C" ... au crédit » or
      // « "+1" ... au débit, "-1" ... au crédit », « sans espace entre les deux caractères ».
      const s = v('Sens');
      const style = s === 'D' || s === 'C' ? 'DC' : s === '+1' || s === '-1' ? '+1-1' : null;
      if (!blank(s) && !style) add(line, 'sens-value', `Sens '${s}' must be D or C, or +1 or -1 (A47 A-1 X)`);
      // INTERPRETATION: « l'une des deux conditions » is one convention for the whole file.
      if (style && sensStyle && style !== sensStyle) add(line, 'sens-value', `Sens '${s}' mixes the +1/-1 and D/C conventions in one file (A47 A-1 X: one of the two)`);
      if (style && !sensStyle) sensStyle = style;
      if (style && 'Montant' in amounts) {
        const debitSide = s === 'D' || s === '+1';
        debit = debitSide ? amounts.Montant : 0n;
        credit = debitSide ? 0n : amounts.Montant;
      }
    }
    if (debit !== null) { debitTotal += debit; creditTotal += credit; }

    // A47 A-1 VII 1° item 5: « Le numéro de compte, dont les trois premiers caractères doivent
    // correspondre à des chiffres respectant les normes du plan comptable français ». (The VIII
    // tables drop that clause, so BNC cash-basis account numbers are free.)
    if (variant === 'general' && !blank(v('CompteNum')) && !/^\d{3}/.test(v('CompteNum'))) {
      add(line, 'account-number', `CompteNum '${v('CompteNum')}' does not start with three digits of the plan comptable (A47 A-1 VII 1°, item 5)`);
    }

    // INTERPRETATION: pairs of zones that mean nothing one without the other. Each zone of a pair
    // is « à blanc si non utilisé »; when the information is used, both zones carry it.
    const pair = (a, b, rule) => {
      if (blank(v(a)) !== blank(v(b))) add(line, rule, blank(v(a)) ? `${b} '${v(b)}' is filled but ${a} is empty` : `${a} '${v(a)}' is filled but ${b} is empty`);
    };
    pair('CompAuxNum', 'CompAuxLib', 'aux-pair');
    pair('Montantdevise', 'Idevise', 'currency-pair');
    pair('EcritureLet', 'DateLet', 'letter-pair');

    // INTERPRETATION: an account is one account. Items 5–8 give each line « le numéro de compte »
    // and « le libellé de compte » (and the auxiliary account's): one number named two ways in
    // one file is two accounts to a reader, or a name that moved with each document.
    const sameName = (num, lib, rule) => {
      if (blank(v(num)) || blank(v(lib))) return; // a missing name is the pairs' and mandatory's
      const seen = labels[num].get(v(num));
      if (!seen) labels[num].set(v(num), [v(lib), line]);
      else if (seen[0] !== v(lib)) add(line, rule, `${num} '${v(num)}' is named '${v(lib)}' here and '${seen[0]}' on line ${seen[1]}`);
    };
    sameName('CompteNum', 'CompteLib', 'account-label');
    sameName('CompAuxNum', 'CompAuxLib', 'aux-label');

    // A47 A-1 VII 1° / VIII 1°: the file holds the entries « au titre d'un exercice ».
    // INTERPRETATION: EcritureDate lies within the fiscal year; by default the 12 months ending on
    // the closing date (--year-start for a longer or shorter first year).
    const date = v('EcritureDate');
    if (yearEnd && isFecDate(date) && (date > yearEnd || date < yearStart)) {
      add(line, 'within-year', `EcritureDate ${date} is outside the fiscal year ${yearStart}-${yearEnd}`);
    }

    // --- entries: the lines sharing JournalCode + EcritureNum ------------------------------------
    journalCodes.add(v('JournalCode'));
    if (blank(v('EcritureNum'))) { prevKey = null; continue; } // reported as mandatory above
    const key = `${v('JournalCode')}\u0000${v('EcritureNum')}`;
    let e = entries.get(key);
    if (key !== prevKey) {
      if (e) {
        // INTERPRETATION (entry-contiguous): the lines of one entry follow each other.
        add(line, 'entry-contiguous', `entry ${v('JournalCode')}/${v('EcritureNum')} (started line ${e.firstLine}) resumes here after other entries`);
      } else {
        e = { journal: v('JournalCode'), num: v('EcritureNum'), firstLine: line, date: null, debit: 0n, credit: 0n, amountsOk: true, dateReported: false };
        entries.set(key, e);
        order.push(e);
      }
    }
    prevKey = key;
    if (isFecDate(date)) {
      if (e.date === null) e.date = date;
      else if (date !== e.date && !e.dateReported) {
        // INTERPRETATION (entry-date): « la date de comptabilisation de l'écriture » is one date
        // per entry, so all its lines carry it.
        add(line, 'entry-date', `EcritureDate ${date} differs from ${e.date}, the date of the other lines of entry ${e.journal}/${e.num}`);
        e.dateReported = true;
      }
    }
    if (debit === null) e.amountsOk = false; // its amounts were reported; no balance check
    else { e.debit += debit; e.credit += credit; }
  }

  // --- balanced entries ------------------------------------------------------------------------
  // INTERPRETATION: not written in A47 A-1; double-entry bookkeeping (partie double) means each
  // entry's debits equal its credits. Applied to the BNC cash-basis variant too: the text does not
  // impose double entry there, but its table keeps the Debit and Credit zones.
  for (const e of order) {
    if (e.amountsOk && e.debit !== e.credit) {
      add(e.firstLine, 'balanced', `entry ${e.journal}/${e.num}: debits ${formatCents(e.debit)} ≠ credits ${formatCents(e.credit)} (difference ${formatCents(e.debit - e.credit)})`);
    }
  }

  // --- numbering: « Le numéro sur une séquence continue de l'écriture comptable » --------------
  // (A47 A-1 VII 1° / VIII 7°, item 3) and BOFiP § 40 (as quoted by secondary sources: entries
  // « numérotées chronologiquement de manière croissante, sans rupture ni inversion »).
  // INTERPRETATION: one continuous sequence per JournalCode, read in file order. A file numbered
  // as one single sequence across all its journals satisfies the text as well and is accepted.
  const byJournal = new Map();
  for (const e of order) {
    if (!byJournal.has(e.journal)) byJournal.set(e.journal, []);
    byJournal.get(e.journal).push(e);
  }
  let numbering = 'journal';
  if (order.length > 0) {
    const fileWide = byJournal.size > 1 ? sequenceProblems(order, '') : null;
    if (fileWide && fileWide.length === 0) numbering = 'file';
    else for (const [j, list] of byJournal) problems.push(...sequenceProblems(list, `journal '${j}': `));
  }

  // --- chronology ------------------------------------------------------------------------------
  // A47 A-1 VII 1° / VIII 1°: « les écritures sont classées par ordre chronologique de validation »;
  // BOFiP § 40: numbered « chronologiquement ». INTERPRETATION: within a journal, in file (and so
  // number) order, the entries' EcritureDate never goes back. ValidDate order is not checked: the
  // à-nouveaux take the first numbers (VII 3°) yet are usually validated after the year's start.
  for (const [j, list] of byJournal) {
    let prev = null;
    for (const e of list) {
      if (e.date === null) continue;
      if (prev && e.date < prev.date) add(e.firstLine, 'chronology', `journal '${j}': entry ${e.num} dated ${e.date} comes after entry ${prev.num} dated ${prev.date}`);
      prev = e;
    }
  }

  summary.entries = order.length;
  summary.journals = journalCodes.size;
  summary.debit = Number(debitTotal);
  summary.credit = Number(creditTotal);
  return result({ encoding, variant, amountMode, separator: sep === '\t' ? 'tab' : 'pipe', numbering, yearStart, yearEnd });
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

const USAGE = 'usage: node tests/fec/validate_fec.mjs [--variant=general|bnc-tresorerie] [--siren=123456789] [--year-end=AAAAMMJJ] [--year-start=AAAAMMJJ] FILE...';

export function main(argv = process.argv.slice(2), out = console.log, err = console.error) {
  const opts = {};
  const files = [];
  for (const a of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) { files.push(a); continue; }
    const [, k, val] = m;
    if (k === 'help') { out(USAGE); return 0; }
    if (val === undefined) { err(`missing value: --${k}=...\n${USAGE}`); return 2; }
    if (k === 'variant') {
      if (!VARIANTS[val]) { err(`--variant must be general or bnc-tresorerie\n${USAGE}`); return 2; }
      opts.variant = val;
    } else if (k === 'siren') {
      if (!/^\d{9}$/.test(val)) { err(`--siren must be 9 digits\n${USAGE}`); return 2; }
      opts.siren = val;
    } else if (k === 'year-end' || k === 'year-start') {
      if (!isFecDate(val)) { err(`--${k} must be a date AAAAMMJJ\n${USAGE}`); return 2; }
      opts[k === 'year-end' ? 'yearEnd' : 'yearStart'] = val;
    } else { err(`unknown option --${k}\n${USAGE}`); return 2; }
  }
  if (files.length === 0) { err(USAGE); return 2; }

  let status = 0;
  for (const file of files) {
    let bytes;
    try { bytes = readFileSync(file); } catch (e) { err(`${file}: cannot read: ${e.message}`); status = 2; continue; }
    const r = validateFec(bytes, { ...opts, fileName: file });
    for (const p of r.problems) out(`${file}:${p.line}: ${p.rule}: ${p.message}`);
    const s = r.summary;
    out(`${file}: ${r.ok ? 'valid' : 'INVALID'}: ${r.problems.length} problems; ${s.lines} lines, ${s.entries} entries, ` +
      `${s.journals} journals, debit ${formatCents(s.debit)}, credit ${formatCents(s.credit)}` +
      `${r.variant ? ` (${r.variant}, ${r.amountMode}, ${r.separator}, ${r.encoding})` : ''}`);
    if (!r.ok && status === 0) status = 1;
  }
  return status;
}

const invoked = process.argv[1] && (() => {
  try { return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href; } catch { return false; }
})();
if (invoked) process.exitCode = main();
