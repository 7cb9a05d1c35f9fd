// Read-only reports: a patient's balance, aged receivables and the dashboard's summary,
// processing fees, and the journal with its hash-chain verification.
#include "app/args.h"
#include "app/bounded_json.h"
#include "app/command_error.h"
#include "app/journal.h"
#include "app/ledger.h"
#include "app/registry.h"
#include "app/settings_keys.h"
#include "core/aging.h"
#include "core/fees.h"

namespace quittance::app {

namespace {

Json patient_balance(Context& ctx) {
  const std::string patient = require_string(ctx.cmd, "patient_id", 64);
  ledger::require_patient(ctx.db, patient);
  const ledger::Balance b = ledger::patient_balance(ctx.db, patient);
  return Json{{"invoiced", b.invoiced}, {"credited", b.credited}, {"paid", b.paid}, {"refunded", b.refunded},
              {"due", b.due}, {"credit", b.credit}, {"balance", b.balance()},
              {"payments_credit", ledger::payments_credit(ctx.db, patient)}};
}

core::Date as_of_or_today(Context& ctx) {
  return has(ctx.cmd, "as_of") ? require_date(ctx.cmd, "as_of") : ctx.clock.today();
}

// Amounts due grouped by the age of their invoice: 0–30, 31–60, 61–90, over 90 days.
struct Aged {
  Json buckets = Json::array();  // [{bucket, due}], youngest first
  std::int64_t total = 0;        // Σ due
  std::int64_t invoices = 0;     // invoices with something due
};

Aged aged_receivables(store::Database& db, const core::Date& as_of) {
  // Bucket limits as dates, so the query sums per range on the partial index of open invoices.
  const std::string d30 = core::format_iso(core::add_days(as_of, -30));
  const std::string d60 = core::format_iso(core::add_days(as_of, -60));
  const std::string d90 = core::format_iso(core::add_days(as_of, -90));
  auto st = db.prepare(
      "SELECT "
      " COALESCE(SUM(CASE WHEN issued_on >= ?1 THEN total - settled END), 0),"
      " COALESCE(SUM(CASE WHEN issued_on < ?1 AND issued_on >= ?2 THEN total - settled END), 0),"
      " COALESCE(SUM(CASE WHEN issued_on < ?2 AND issued_on >= ?3 THEN total - settled END), 0),"
      " COALESCE(SUM(CASE WHEN issued_on < ?3 THEN total - settled END), 0),"
      " COUNT(*) "
      "FROM invoices INDEXED BY invoices_open WHERE state = 'issued' AND settled < total");
  st.bind(1, d30).bind(2, d60).bind(3, d90);
  st.step();
  const core::AgeBucket order[] = {core::AgeBucket::Days0to30, core::AgeBucket::Days31to60,
                                   core::AgeBucket::Days61to90, core::AgeBucket::Over90};
  Aged aged;
  for (int i = 0; i < 4; ++i) {
    aged.buckets.push_back({{"bucket", core::to_string(order[i])}, {"due", st.column_int64(i)}});
    aged.total += st.column_int64(i);
  }
  aged.invoices = st.column_int64(4);
  return aged;
}

Json receivables_aged(Context& ctx) {
  const core::Date as_of = as_of_or_today(ctx);
  Aged aged = aged_receivables(ctx.db, as_of);
  return Json{{"as_of", core::format_iso(as_of)},
              {"buckets", std::move(aged.buckets)},
              {"total", aged.total},
              {"invoices", aged.invoices}};
}

// The home screen's figures on a day: what patients owe and how old it is, and the month so
// far (its first day to `as_of`): takings per payment type and the amount invoiced.
Json dashboard_summary(Context& ctx) {
  const core::Date as_of = as_of_or_today(ctx);
  Aged aged = aged_receivables(ctx.db, as_of);
  // No payment terms are stored yet: an invoice is overdue once older than the 30 days of
  // the first age bucket.
  const std::int64_t overdue = aged.total - aged.buckets[0]["due"].get<std::int64_t>();
  const std::string first = core::format_iso(core::Date{as_of.year, as_of.month, 1});
  const std::string last = core::format_iso(as_of);

  // Takings per type are net of the refunds paid out the same way: a refund handed back in
  // cash leaves the cash drawer, so the cash line is what the drawer should hold (and a type
  // that only refunded this month shows a negative amount). Deleted payments never happened.
  auto st = ctx.db.prepare(
      "WITH moves(type, amount) AS ("
      " SELECT payment_type_id, amount FROM payments WHERE deleted = 0 AND paid_on >= ?1 AND paid_on <= ?2"
      " UNION ALL"
      " SELECT payment_type_id, -amount FROM refunds WHERE refunded_on >= ?1 AND refunded_on <= ?2) "
      "SELECT t.id, t.label, SUM(m.amount) FROM moves m JOIN payment_types t ON t.id = m.type "
      "GROUP BY t.id ORDER BY t.position, t.id");
  st.bind(1, first).bind(2, last);
  Json by_type = Json::array();
  std::int64_t takings = 0;
  while (st.step()) {
    by_type.push_back(
        {{"payment_type_id", st.column_text(0)}, {"label", st.column_text(1)}, {"amount", st.column_int64(2)}});
    takings += st.column_int64(2);
  }
  // Invoiced as in patient.balance: issued and cancelled invoices (a cancellation is a credit
  // note, counted with the credit notes, not a smaller invoice).
  auto inv = ctx.db.prepare(
      "SELECT COALESCE(SUM(total), 0) FROM invoices WHERE state <> 'draft' AND issued_on >= ?1 AND issued_on <= ?2");
  inv.bind(1, first).bind(2, last);
  inv.step();
  return Json{{"as_of", last},
              {"currency", ledger::practice_currency(ctx.db)},
              {"due_total", aged.total},
              {"overdue_total", overdue},
              {"aged", std::move(aged.buckets)},
              {"month", last.substr(0, 7)},
              {"takings_by_type", std::move(by_type)},
              {"takings_total", takings},
              {"invoiced_month", inv.column_int64(0)}};
}

// The processing fee on an amount, and the charge when the practice passes fees on.
Json fees_quote(Context& ctx) {
  const std::int64_t amount = require_amount(ctx.cmd, "amount");
  const std::string method = has(ctx.cmd, "method") ? require_string(ctx.cmd, "method", 20) : "card";
  auto schedule = core::fee_schedule_for(method);
  if (!schedule) refuse("invalid_argument", "unknown payment method \"" + method + "\"", "method");
  const bool pass = setting_or_default(ctx.db, "billing.pass_fees") == "1";
  auto gross = core::gross_up(amount, *schedule);
  if (!gross) refuse("amount_too_large", "the amount is too large", "amount");
  const std::int64_t charge = pass ? *gross : amount;
  return Json{{"method", method}, {"rate_bp", schedule->rate_bp}, {"fixed", schedule->fixed_minor},
              {"passed_to_patient", pass}, {"charge", charge}, {"fee", core::fee_for(charge, *schedule)},
              {"warning", pass ? "surcharge_forbidden_eu" : ""}};
}

Json fees_schedule(Context&) {
  Json out = Json::array();
  for (const core::FeeSchedule& f : core::kFeeSchedules) {
    out.push_back({{"method", std::string(f.method)}, {"rate_bp", f.rate_bp}, {"fixed", f.fixed_minor}});
  }
  return out;
}

Json audit_verify(Context& ctx) {
  const ChainCheck check = verify_journal(ctx.db);
  Json out = {{"intact", check.ok}, {"entries", check.entries}};
  if (!check.ok) out["broken_at"] = check.broken_at;
  return out;
}

// Journal entries after a sequence number (the sync protocol's unit), oldest first.
Json journal_list(Context& ctx) {
  std::int64_t after = 0;
  if (has(ctx.cmd, "after")) {
    if (!ctx.cmd["after"].is_number_integer()) refuse("invalid_argument", "\"after\" must be an integer", "after");
    after = ctx.cmd["after"].get<std::int64_t>();
  }
  const Page page = read_page(ctx.cmd);
  auto st = ctx.db.prepare(
      "SELECT seq, command_id, name, actor, body, at, hash, result, origin, server_seq FROM journal WHERE seq > ?1 "
      "ORDER BY seq LIMIT ?2");
  st.bind(1, after).bind(2, page.limit);
  Json items = Json::array();
  while (st.step()) {
    items.push_back({{"seq", st.column_int64(0)}, {"command_id", st.column_text(1)}, {"name", st.column_text(2)},
                     {"actor", st.column_text(3)}, {"command", parse_bounded_json_or_discarded(st.column_text(4))},
                     {"at", st.column_text(5)}, {"hash", st.column_text(6)},
                     {"result", parse_bounded_json_or_discarded(st.column_text(7))}, {"origin", st.column_text(8)},
                     {"server_seq", st.column_is_null(9) ? Json(nullptr) : Json(st.column_int64(9))}});
  }
  return Json{{"items", std::move(items)}};
}

}  // namespace

void add_report_commands(Registry& r) {
  using core::Permission;
  r.push_back({"patient.balance", false, Permission::View, patient_balance});
  r.push_back({"receivables.aged", false, Permission::View, receivables_aged});
  r.push_back({"dashboard.summary", false, Permission::View, dashboard_summary});
  r.push_back({"fees.quote", false, Permission::View, fees_quote});
  r.push_back({"fees.schedule", false, Permission::View, fees_schedule});
  r.push_back({"audit.verify", false, Permission::View, audit_verify});
  r.push_back({"journal.list", false, Permission::View, journal_list});
}

}  // namespace quittance::app
