// The receipts book. See receipts_journal.h.
#include "app/receipts_journal.h"

#include <map>

#include "app/args.h"
#include "app/command_error.h"
#include "app/invoice_handlers.h"
#include "app/ledger.h"
#include "core/date.h"
#include "core/money.h"

namespace quittance::app {

std::vector<Receipt> receipts_between(store::Database& db, const std::string& from, const std::string& to) {
  std::vector<Receipt> out;
  // The payer: the addressees of the invoices it settles other than the patient, as printed.
  auto st = db.prepare(
      "SELECT m.day, pt.name, m.invoices, m.payers, t.label, m.type, m.reference, m.amount, m.refund, m.id, m.patient FROM ("
      " SELECT p.id AS id, p.paid_on AS day, p.patient_id AS patient, p.payment_type_id AS type, p.reference AS reference,"
      "  p.amount AS amount, 0 AS refund, p.rowid AS seq,"
      "  (SELECT COALESCE(GROUP_CONCAT(number, ', ' ORDER BY number), '') FROM (SELECT DISTINCT i.number"
      "   FROM allocations a JOIN invoices i ON i.id = a.invoice_id"
      "   WHERE a.source_kind = 'payment' AND a.source_id = p.id AND a.reversed = 0)) AS invoices,"
      "  (SELECT COALESCE(GROUP_CONCAT(name, ', '), '') FROM (SELECT DISTINCT"
      "   COALESCE(json_extract(NULLIF(i.frozen, ''), '$.bill_to.name'), c.name) AS name"
      "   FROM allocations a JOIN invoices i ON i.id = a.invoice_id JOIN contacts c ON c.id = i.contact_id"
      "   WHERE a.source_kind = 'payment' AND a.source_id = p.id AND a.reversed = 0)) AS payers"
      " FROM payments p WHERE p.deleted = 0 AND p.paid_on >= ?1 AND p.paid_on <= ?2"
      " UNION ALL"
      " SELECT r.id, r.refunded_on, r.patient_id, r.payment_type_id, r.reason, -r.amount, 1, r.rowid, '', ''"
      " FROM refunds r WHERE r.refunded_on >= ?1 AND r.refunded_on <= ?2) m"
      " JOIN patients pt ON pt.id = m.patient JOIN payment_types t ON t.id = m.type"
      " ORDER BY m.day, m.refund, m.seq");
  st.bind(1, from).bind(2, to);
  while (st.step()) {
    Receipt r;
    r.date = st.column_text(0);
    r.patient = st.column_text(1);
    r.invoices = st.column_text(2);
    r.payer = st.column_text(3);
    r.method = st.column_text(4);
    r.payment_type_id = st.column_text(5);
    r.reference = st.column_text(6);
    r.amount = st.column_int64(7);
    r.refund = st.column_int64(8) != 0;
    r.id = st.column_text(9);
    r.patient_id = st.column_text(10);
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

// receipts.journal {from, to}: the entries, the day's and the month's totals, the totals by
// method, and the practice (the book's header): what the PDF draws.
Json receipts_journal(Context& ctx) {
  const core::Date from = require_date(ctx.cmd, "from"), to = require_date(ctx.cmd, "to");
  if (to < from) refuse("invalid_argument", "\"to\" is before \"from\"", "to");
  Json entries = Json::array(), days = Json::array(), months = Json::array(), methods = Json::array();
  std::map<std::string, std::pair<std::string, std::int64_t>> by_method;  // id -> label, total
  std::vector<std::string> method_order;
  std::int64_t total = 0, day_total = 0, month_total = 0;
  std::string day, month;
  auto close_day = [&] { if (!day.empty()) days.push_back({{"date", day}, {"total", day_total}}); };
  auto close_month = [&] { if (!month.empty()) months.push_back({{"month", month}, {"total", month_total}}); };
  for (const Receipt& r : receipts_between(ctx.db, core::format_iso(from), core::format_iso(to))) {
    if (r.date != day) { close_day(); day = r.date; day_total = 0; }
    if (r.date.substr(0, 7) != month) { close_month(); month = r.date.substr(0, 7); month_total = 0; }
    if (!core::add_to(total, r.amount) || !core::add_to(day_total, r.amount) || !core::add_to(month_total, r.amount)) {
      refuse("amount_too_large", "the period's receipts add up to too much", "to");
    }
    auto [it, added] = by_method.try_emplace(r.payment_type_id, r.method, 0);
    if (added) method_order.push_back(r.payment_type_id);
    if (!core::add_to(it->second.second, r.amount)) refuse("amount_too_large", "the period's receipts add up to too much", "to");
    entries.push_back({{"date", r.date}, {"patient", r.patient}, {"payer", r.payer}, {"invoices", r.invoices},
                       {"method", r.method}, {"payment_type_id", r.payment_type_id}, {"reference", r.reference},
                       {"amount", r.amount}, {"refund", r.refund}});
  }
  close_day();
  close_month();
  for (const std::string& id : method_order) {
    methods.push_back({{"payment_type_id", id}, {"method", by_method[id].first}, {"total", by_method[id].second}});
  }
  return Json{{"from", core::format_iso(from)}, {"to", core::format_iso(to)},
              {"issued_on", core::format_iso(ctx.clock.today())}, {"currency", ledger::practice_currency(ctx.db)},
              {"practice", practice_block(ctx.db)}, {"entries", std::move(entries)}, {"days", std::move(days)},
              {"months", std::move(months)}, {"methods", std::move(methods)}, {"total", total}};
}

}  // namespace

void add_receipts_journal_commands(Registry& r) {
  r.push_back({"receipts.journal", false, core::Permission::View, receipts_journal});
}

}  // namespace quittance::app
