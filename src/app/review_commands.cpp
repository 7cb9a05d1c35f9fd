// What sync resolved by itself and a person should look at (docs/sync.md): today, a payment
// made offline on an invoice another device had settled meanwhile, whose surplus was kept as
// the patient's credit. Listed on the dashboard until someone marks it as seen.
#include "app/args.h"
#include "app/command_error.h"
#include "app/registry.h"

namespace quittance::app {

namespace {

Json review_list(Context& ctx) {
  auto st = ctx.db.prepare(
      "SELECT r.command_id, r.kind, r.invoice_id, COALESCE(i.number, ''), i.patient_id, p.name, r.amount "
      "FROM review_flags r JOIN invoices i ON i.id = r.invoice_id JOIN patients p ON p.id = i.patient_id "
      "ORDER BY r.rowid");
  Json items = Json::array();
  while (st.step()) {
    items.push_back({{"command_id", st.column_text(0)},
                     {"kind", st.column_text(1)},
                     {"invoice_id", st.column_text(2)},
                     {"invoice_number", st.column_text(3)},
                     {"patient_id", st.column_text(4)},
                     {"patient_name", st.column_text(5)},
                     {"amount", st.column_int64(6)}});
  }
  return Json{{"items", std::move(items)}};
}

// Marks a case as seen, on every device (it is an operation like any other).
Json review_dismiss(Context& ctx) {
  const std::string command = require_string(ctx.cmd, "command_id", 64);
  const std::string invoice = require_string(ctx.cmd, "invoice_id", 64);
  const std::int64_t before = ctx.db.total_changes();
  auto st = ctx.db.prepare("DELETE FROM review_flags WHERE command_id = ?1 AND invoice_id = ?2");
  st.bind(1, command).bind(2, invoice);
  st.step();
  if (ctx.db.total_changes() == before) refuse("not_found", "nothing to review for this payment and invoice", "command_id");
  return Json{{"dismissed", true}};
}

}  // namespace

void add_review_commands(Registry& r) {
  using core::Permission;
  r.push_back({"review.list", false, Permission::View, review_list});
  r.push_back({"review.dismiss", true, Permission::TakePayments, review_dismiss});
}

}  // namespace quittance::app
