// The « fichier des écritures comptables » (FEC) a tax audit asks of books kept in software
// (LPF art. L47 A; its format: art. A47 A-1), for one fiscal year:
//   export.fec {variant: "cash" | "accrual", from, to}
//     → {filename: "SIRENFECAAAAMMJJ.txt", mime, text, entries, lines, debit, credit}
// "cash": the variant for BNC taxpayers keeping cash-basis books (A47 A-1 VIII 7°, 22 fields):
//   the receipts book (receipts_journal.h), one entry per receipt in journal RE, treasury
//   account against the receipts account, with the date and mode of payment and the patient.
// "accrual": the general format (VII 1°, 18 fields) for accountants who book on issue:
//   journal VE (invoices: patient's auxiliary 411 against 706 and VAT; credit notes reversed)
//   and journal EN (payments: treasury against 411; refunds reversed).
// Entries are balanced and numbered on a continuous sequence per journal in date order (VE000001,
// …); tab-separated, UTF-8, CRLF; dates AAAAMMJJ; amounts with a decimal comma, no thousands
// separator. Accounts from chart_of_accounts.h. The file is named after the SIREN (the first
// nine digits of practice.siret, refused without one) and the year's closing date `to`.
// tests/fec/validate_fec.mjs checks it against its own reading of A47 A-1.
#pragma once
#include "app/registry.h"

namespace quittance::app {

void add_fec_export_commands(Registry& r);

}  // namespace quittance::app
