// CSV exports for the accountant: invoices, payments, credit notes and refunds over a date
// range, one file per kind, French headers and conventions (csv.h). Drafts are not documents
// yet and are left out; deleted payments stay in, marked, since the accountant may have seen
// them in an earlier export.
#include "app/args.h"
#include "app/command_error.h"
#include "app/csv.h"
#include "app/ledger.h"
#include "app/receipts_journal.h"
#include "app/registry.h"
#include "core/money.h"

namespace quittance::app {

namespace {

struct Range {
  std::string from, to;  // ISO dates, inclusive
};

// « À payer », … : the interface's French words (assets/i18n/fr.json, status.*).
const char* status_fr(const std::string& status) {
  if (status == "due") return "À payer";
  if (status == "partly_paid") return "Partiellement payée";
  if (status == "paid") return "Payée";
  if (status == "cancelled") return "Annulée";
  return "Brouillon";
}

// « Payé » counts money only (payments' active allocations); what credit notes settled is in
// the credit-note export. A cancelled invoice thus shows 0 paid and 0 due. INDEXED BY: with no
// statistics SQLite would look allocations up by source kind, reading every payment's.
// Names as the documents print them (frozen at issue: app/frozen_documents.h).
void write_invoices(store::Database& db, const Range& r, CsvWriter& csv) {
  csv.text("Numéro").text("Date").text("Patient").text("Facturé à").text("Statut");
  csv.text("HT").text("TVA").text("TTC").text("Payé").text("Reste dû").end_row();
  auto st = db.prepare(
      "SELECT i.number, i.issued_on, COALESCE(json_extract(NULLIF(i.frozen, ''), '$.patient_name'), p.name),"
      " COALESCE(json_extract(NULLIF(i.frozen, ''), '$.bill_to.name'), c.name, p.name), i.status, i.net, i.tax, i.total,"
      " (SELECT COALESCE(SUM(a.amount), 0) FROM allocations a INDEXED BY allocations_by_invoice"
      "  WHERE a.invoice_id = i.id AND a.source_kind = 'payment' AND a.reversed = 0),"
      " CASE WHEN i.state = 'issued' THEN i.total - i.settled ELSE 0 END "
      "FROM invoices i JOIN patients p ON p.id = i.patient_id LEFT JOIN contacts c ON c.id = i.contact_id "
      "WHERE i.state <> 'draft' AND i.issued_on >= ?1 AND i.issued_on <= ?2 ORDER BY i.issued_on, i.number");
  st.bind(1, r.from).bind(2, r.to);
  while (st.step()) {
    csv.text(st.column_text(0)).date(st.column_text(1)).text(st.column_text(2)).text(st.column_text(3));
    csv.text(status_fr(st.column_text(4)));
    for (int i = 5; i <= 9; ++i) csv.amount(st.column_int64(i));
    csv.end_row();
  }
}

// « Factures réglées »: the numbers of the invoices the payment settles now (a deleted
// payment settles none).
void write_payments(store::Database& db, const Range& r, CsvWriter& csv) {
  csv.text("Date").text("Patient").text("Type").text("Montant").text("Référence").text("Factures réglées");
  csv.text("Supprimé").end_row();
  auto st = db.prepare(
      "SELECT p.paid_on, pt.name, t.label, p.amount, p.reference,"
      " (SELECT COALESCE(GROUP_CONCAT(number, ', ' ORDER BY number), '') FROM (SELECT DISTINCT i.number"
      "  FROM allocations a JOIN invoices i ON i.id = a.invoice_id"
      "  WHERE a.source_kind = 'payment' AND a.source_id = p.id AND a.reversed = 0)),"
      " p.deleted "
      "FROM payments p JOIN patients pt ON pt.id = p.patient_id JOIN payment_types t ON t.id = p.payment_type_id "
      "WHERE p.paid_on >= ?1 AND p.paid_on <= ?2 ORDER BY p.paid_on, p.rowid");
  st.bind(1, r.from).bind(2, r.to);
  while (st.step()) {
    csv.date(st.column_text(0)).text(st.column_text(1)).text(st.column_text(2)).amount(st.column_int64(3));
    csv.text(st.column_text(4)).text(st.column_text(5)).text(st.column_int64(6) ? "oui" : "non").end_row();
  }
}

void write_credit_notes(store::Database& db, const Range& r, CsvWriter& csv) {
  csv.text("Numéro").text("Date").text("Patient").text("Facture corrigée").text("Montant").end_row();
  auto st = db.prepare(
      "SELECT c.number, c.issued_on, COALESCE(json_extract(NULLIF(c.frozen, ''), '$.patient_name'), p.name),"
      " COALESCE(i.number, ''), c.total "
      "FROM credit_notes c JOIN patients p ON p.id = c.patient_id LEFT JOIN invoices i ON i.id = c.invoice_id "
      "WHERE c.issued_on >= ?1 AND c.issued_on <= ?2 ORDER BY c.issued_on, c.number");
  st.bind(1, r.from).bind(2, r.to);
  while (st.step()) {
    csv.text(st.column_text(0)).date(st.column_text(1)).text(st.column_text(2)).text(st.column_text(3));
    csv.amount(st.column_int64(4)).end_row();
  }
}

void write_refunds(store::Database& db, const Range& r, CsvWriter& csv) {
  csv.text("Date").text("Patient").text("Montant").text("Type").text("Motif").end_row();
  auto st = db.prepare(
      "SELECT r.refunded_on, p.name, r.amount, t.label, r.reason "
      "FROM refunds r JOIN patients p ON p.id = r.patient_id JOIN payment_types t ON t.id = r.payment_type_id "
      "WHERE r.refunded_on >= ?1 AND r.refunded_on <= ?2 ORDER BY r.refunded_on, r.rowid");
  st.bind(1, r.from).bind(2, r.to);
  while (st.step()) {
    csv.date(st.column_text(0)).text(st.column_text(1)).amount(st.column_int64(2)).text(st.column_text(3));
    csv.text(st.column_text(4)).end_row();
  }
}

// « Livre-journal des recettes » (app/receipts_journal.h): one line per receipt, refunds negative.
void write_receipts(store::Database& db, const Range& r, CsvWriter& csv) {
  csv.text("Date").text("Patient").text("Payeur").text("Factures réglées").text("Moyen de paiement");
  csv.text("Référence").text("Montant").end_row();
  for (const Receipt& e : receipts_between(db, r.from, r.to)) {
    csv.date(e.date).text(e.patient).text(e.payer).text(e.invoices).text(e.refund ? "Remboursement (" + e.method + ")" : e.method);
    csv.text(e.reference).amount(e.amount).end_row();
  }
}

struct ExportKind {
  const char* kind;       // the "kind" argument
  const char* file_stem;  // the file name's start, in French for the accountant
  void (*write)(store::Database&, const Range&, CsvWriter&);
};

constexpr ExportKind kKinds[] = {
    {"invoices", "factures", write_invoices},
    {"payments", "paiements", write_payments},
    {"credit_notes", "avoirs", write_credit_notes},
    {"refunds", "remboursements", write_refunds},
    {"receipts", "livre-journal", write_receipts},
};

Json export_csv(Context& ctx) {
  const std::string kind = require_string(ctx.cmd, "kind", 20);
  const ExportKind* chosen = nullptr;
  for (const ExportKind& k : kKinds) {
    if (kind == k.kind) chosen = &k;
  }
  if (!chosen) refuse("invalid_argument", "kind must be invoices, payments, credit_notes, refunds or receipts", "kind");
  const core::Date from = require_date(ctx.cmd, "from");
  const core::Date to = require_date(ctx.cmd, "to");
  if (to < from) refuse("invalid_argument", "\"to\" is before \"from\"", "to");
  const Range range{core::format_iso(from), core::format_iso(to)};

  const auto currency = core::currency_from_code(ledger::practice_currency(ctx.db));
  CsvWriter csv(currency ? currency->minor_digits : 2);
  chosen->write(ctx.db, range, csv);
  return Json{{"filename", std::string(chosen->file_stem) + "_" + range.from + "_" + range.to + ".csv"},
              {"mime", "text/csv"},
              {"csv", csv.str()}};
}

}  // namespace

void add_export_commands(Registry& r) { r.push_back({"export.csv", false, core::Permission::View, export_csv}); }

}  // namespace quittance::app
