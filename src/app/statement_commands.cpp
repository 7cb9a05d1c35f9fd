// « Relevé de compte »: a patient's account over a period, in date order: invoices and refunds
// owed by the patient, payments and credit notes in their favour, and the balance after each,
// from the balance brought forward. Its closing balance is patient.balance's. Drawn by
// pdf/statement_pdf.h.
#include "app/args.h"
#include "app/command_error.h"
#include "app/invoice_handlers.h"
#include "app/ledger.h"
#include "app/registry.h"
#include "core/date.h"
#include "core/money.h"

namespace quittance::app {

namespace {

// Every movement of the patient's account: (date, order in the day, label, signed amount: > 0
// owed by the patient). Drafts, deleted payments and nothing else left out.
constexpr const char* kMovements =
    "SELECT issued_on AS day, 0 AS rank, 'Facture ' || number AS label, total AS amount, rowid AS seq"
    " FROM invoices WHERE patient_id = ?1 AND state <> 'draft'"
    " UNION ALL SELECT issued_on, 1, 'Avoir ' || number, -total, rowid FROM credit_notes WHERE patient_id = ?1"
    " UNION ALL SELECT p.paid_on, 2, 'Paiement – ' || t.label ||"
    "  CASE WHEN p.reference <> '' THEN ' (' || p.reference || ')' ELSE '' END, -p.amount, p.rowid"
    "  FROM payments p JOIN payment_types t ON t.id = p.payment_type_id WHERE p.patient_id = ?1 AND p.deleted = 0"
    " UNION ALL SELECT r.refunded_on, 3, 'Remboursement – ' || t.label, r.amount, r.rowid"
    "  FROM refunds r JOIN payment_types t ON t.id = r.payment_type_id WHERE r.patient_id = ?1";

// patient.statement {patient_id, from?, to?}: the lines of the period with the running
// balance, the balance brought forward and the closing balance.
Json patient_statement(Context& ctx) {
  const std::string patient = require_string(ctx.cmd, "patient_id", 64);
  ledger::require_patient(ctx.db, patient);
  const std::string to = core::format_iso(has(ctx.cmd, "to") ? require_date(ctx.cmd, "to") : ctx.clock.today());
  const std::string from = has(ctx.cmd, "from") ? core::format_iso(require_date(ctx.cmd, "from")) : std::string("0000-01-01");
  if (to < from) refuse("invalid_argument", "\"to\" is before \"from\"", "to");

  std::int64_t balance = 0, opening = 0;
  Json lines = Json::array();
  auto st = ctx.db.prepare(std::string("SELECT day, label, amount FROM (") + kMovements +
                           ") WHERE day <= ?2 ORDER BY day, rank, seq");
  st.bind(1, patient).bind(2, to);
  while (st.step()) {
    const std::int64_t amount = st.column_int64(2);
    if (!core::add_to(balance, amount)) refuse("amount_too_large", "the account adds up to too much", "patient_id");
    if (st.column_text(0) < from) {
      opening = balance;
      continue;
    }
    lines.push_back({{"date", st.column_text(0)}, {"label", st.column_text(1)},
                     {"debit", amount > 0 ? amount : 0}, {"credit", amount < 0 ? -amount : 0}, {"balance", balance}});
  }
  auto who = ctx.db.prepare("SELECT ltrim(title || ' ' || name), address FROM patients WHERE id = ?1");
  who.bind(1, patient);
  who.step();
  return Json{{"from", from == "0000-01-01" ? "" : from}, {"to", to}, {"issued_on", core::format_iso(ctx.clock.today())},
              {"currency", ledger::practice_currency(ctx.db)}, {"practice", practice_block(ctx.db)},
              {"patient", {{"name", who.column_text(0)}, {"address", who.column_text(1)}}},
              {"opening_balance", opening}, {"lines", std::move(lines)}, {"closing_balance", balance}};
}

}  // namespace

void add_statement_commands(Registry& r) {
  r.push_back({"patient.statement", false, core::Permission::View, patient_statement});
}

}  // namespace quittance::app
