// A booking's money: the invoice made when its payment comes, the payment against it, and what
// a cancellation does with it. See appointments.h.
#include <algorithm>

#include "app/appointments.h"
#include "app/args.h"
#include "app/command_error.h"
#include "app/invoice_handlers.h"
#include "app/ledger.h"
#include "app/numbers.h"
#include "app/payment_handlers.h"
#include "app/update_column.h"
#include "core/date.h"
#include "core/numbering.h"

namespace quittance::app::appointments {

namespace {

// The payment that paid the appointment's request, if it was paid and the payment stands.
std::optional<ledger::Source> booking_payment(store::Database& db, const Appointment& a) {
  if (a.request_id.empty()) return std::nullopt;
  auto st = db.prepare("SELECT COALESCE(payment_id, '') FROM payment_requests WHERE id = ?1 AND state = 'paid'");
  st.bind(1, a.request_id);
  if (!st.step() || st.column_text(0).empty()) return std::nullopt;
  auto exists = db.prepare("SELECT 1 FROM payments WHERE id = ?1 AND deleted = 0");
  exists.bind(1, st.column_text(0));
  if (!exists.step()) return std::nullopt;  // a card save, or a payment deleted since
  return ledger::require_source(db, ledger::SourceKind::Payment, st.column_text(0));
}

std::optional<ledger::Invoice> invoice_of(store::Database& db, const Appointment& a) {
  if (a.invoice_id.empty()) return std::nullopt;
  auto st = db.prepare("SELECT 1 FROM invoices WHERE id = ?1");
  st.bind(1, a.invoice_id);
  if (!st.step()) return std::nullopt;  // a draft deleted since
  return ledger::require_invoice(db, a.invoice_id);
}

// The credit note line that takes `amount` (tax included) off an invoice of the booking's
// line: its label and tax rate, the unit price before tax worked back from the amount.
Json credit_line(store::Database& db, const Appointment& a, const std::string& label, std::int64_t amount) {
  const std::string rate = a.invoice_line.is_object() ? a.invoice_line.value("tax_rate_id", "exempt") : "exempt";
  std::int64_t bp = 0;
  auto st = db.prepare("SELECT rate_bp FROM tax_rates WHERE id = ?1");
  st.bind(1, rate);
  const bool known = st.step();
  if (known) bp = st.column_int64(0);
  const std::int64_t net = (amount * 10000 + (10000 + bp) / 2) / (10000 + bp);
  return {{"label", label}, {"unit_price", net}, {"tax_rate_id", known ? rate : std::string("exempt")},
          {"service_date", a.starts_at.substr(0, 10)}};
}

// « le 12/12/2026 à 14:30 »
std::string spoken(const Appointment& a) {
  return "le " + core::format_fr(*core::parse_iso_date(a.starts_at.substr(0, 10))) + " à " + a.starts_at.substr(11, 5);
}

// Issued by a fact, not by a person at a device: in the online payments' series, dated the
// payment's day (or that series' last date, if later: a fact is never refused for its date).
void issue_online(Context& ctx, const std::string& invoice_id, const std::string& paid_on) {
  static const std::string series(core::kOnlineSeries);
  const std::optional<core::Date> day = core::parse_iso_date(paid_on);
  const core::Date on = date_in_series(ctx.db, series, core::DocumentKind::Invoice, day ? *day : ctx.clock.today());
  const Json cmd = {{"invoice_id", invoice_id}, {"issued_on", core::format_iso(on)}};
  const std::string id = invoice_id + "-issue";
  Context sub{ctx.db, cmd, id, ctx.actor, ctx.role, ctx.clock, series, ctx.replaying};
  invoice_issue(sub);
}

// "2026-12-12T14:30" minus `hours`, in the same local time.
std::string hours_before(const std::string& starts_at, std::int64_t hours) {
  const std::optional<core::Date> day = core::parse_iso_date(starts_at.substr(0, 10));
  if (!day || starts_at.size() < 16) return "";
  std::int64_t minutes = std::stoll(starts_at.substr(11, 2)) * 60 + std::stoll(starts_at.substr(14, 2)) - hours * 60;
  std::int64_t days = 0;
  while (minutes < 0) {
    minutes += 24 * 60;
    --days;
  }
  char time[8];
  std::snprintf(time, sizeof time, "%02d:%02d", static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
  return core::format_iso(core::add_days(*day, days)) + "T" + time;
}

}  // namespace

void on_request_paid(Context& ctx, const std::string& request_id, const std::string& payment_id,
                     const std::string& paid_on) {
  (void)payment_id;  // the request now names it: after_invoice_issued finds it there
  std::optional<Appointment> a = find_by_request(ctx.db, request_id);
  if (!a || legacy(*a) || !a->invoice_id.empty() || a->status == "cancelled") return;
  if (a->policy == "none" || !a->invoice_line.is_object()) return;
  // The line agreed at booking, resolved then: nothing here can refuse the payment's fact (a
  // refused fact would leave the money out of the books).
  const std::string invoice_id = a->id + "-invoice";
  run_inner(ctx, invoice_create, {{"patient_id", a->patient_id}, {"lines", Json::array({a->invoice_line})}},
            invoice_id);
  update_column(ctx.db, "appointments", a->id, "invoice_id", invoice_id);
  if (a->policy == "full" || a->invoice_at == "payment") issue_online(ctx, invoice_id, paid_on);
}

void after_invoice_issued(Context& ctx, const std::string& invoice_id) {
  const std::optional<Appointment> a = find_by_invoice(ctx.db, invoice_id);
  if (!a || legacy(*a)) return;
  // On the paid request's page from now on: the invoice and its PDF (never a draft).
  auto link = ctx.db.prepare(
      "INSERT OR IGNORE INTO payment_request_invoices(request_id, invoice_id, position) VALUES (?1, ?2, 0)");
  link.bind(1, a->request_id).bind(2, invoice_id);
  if (!a->request_id.empty()) link.step();
  const std::optional<ledger::Source> paid = booking_payment(ctx.db, *a);
  if (!paid) return;
  const std::int64_t take = std::min(paid->available(), ledger::require_invoice(ctx.db, invoice_id).due());
  if (take > 0) ledger::allocate(ctx.db, invoice_id, *paid, take, ctx.command_id);
}

Json settle_cancellation(Context& ctx, const Appointment& a, const std::string& settle) {
  Json out = {{"settlement", ""}, {"refund_due", 0}, {"payment_id", ""}, {"credit_note_id", ""}};
  // A link for a visit that will not happen takes no money any more.
  auto link = ctx.db.prepare("UPDATE payment_requests SET state = 'cancelled' WHERE id = ?1 AND state != 'paid'");
  link.bind(1, a.request_id);
  link.step();
  if (legacy(a)) return out;  // as the earlier version cancelled it: the link only
  const std::optional<ledger::Source> paid = booking_payment(ctx.db, a);
  const std::optional<ledger::Invoice> inv = invoice_of(ctx.db, a);
  const std::string why = "Rendez-vous du " + spoken(a).substr(3) + " annulé";
  auto drop_invoice = [&] {
    if (inv && inv->state == "draft") {
      run_inner(ctx, invoice_delete, {{"invoice_id", inv->id}}, ctx.command_id + "-delete");
      auto forget = ctx.db.prepare("UPDATE appointments SET invoice_id = NULL WHERE id = ?1");
      forget.bind(1, a.id);
      forget.step();
    } else if (inv && inv->state == "issued") {
      const std::string credit = ctx.command_id + "-credit";
      run_inner(ctx, invoice_cancel, {{"invoice_id", inv->id}, {"reason", why}}, credit);
      out["credit_note_id"] = credit;
    }
  };
  if (!paid) {  // nothing came: nothing is owed for a visit that will not happen
    drop_invoice();
    return out;
  }
  if (settle != "refund" && settle != "keep") {
    // In the log's order, a cancellation made offline that the payment overtook: it happened,
    // so it is not refused; the money stays as it stands, for the practice to settle.
    if (ctx.replaying && settle.empty()) return out;
    refuse("settlement_required",
           "this booking was paid: say whether the payment is refunded (settle: refund) or kept (settle: keep)",
           "settle");
  }
  out["settlement"] = settle;
  out["payment_id"] = paid->id;
  if (settle == "refund") {
    // What cancelling the invoice gave back: the payments on it (the deposit, a balance paid
    // since), the increase of the payments' credit; a payment never on an invoice was credit already.
    const std::int64_t before = ledger::payments_credit(ctx.db, a.patient_id);
    drop_invoice();
    const std::int64_t released = ledger::payments_credit(ctx.db, a.patient_id) - before;
    out["refund_due"] = inv && inv->state == "issued" ? released : paid->available();
  } else if (inv && inv->state == "draft") {
    // Invoiced after the session, which will not take place: the deposit kept is what is owed.
    const Json line = credit_line(ctx.db, a, "Acompte conservé – " + why, paid->total);
    run_inner(ctx, invoice_update, {{"invoice_id", inv->id}, {"lines", Json::array({line})}}, ctx.command_id + "-update");
    run_inner(ctx, invoice_issue, {{"invoice_id", inv->id}}, ctx.command_id + "-issue");  // takes the deposit
  } else if (inv && inv->state == "issued" && inv->due() > 0) {
    // The part not paid is not owed: credited on the invoice.
    const std::string credit = ctx.command_id + "-credit";
    const Json line = credit_line(ctx.db, a, why + " : part non due", inv->due());
    const Json note = run_inner(ctx, credit_note_create,
                                {{"patient_id", a.patient_id}, {"invoice_id", inv->id}, {"lines", Json::array({line})}},
                                credit);
    // A tax worked back may round a cent off: what the note holds, up to what is due.
    const std::int64_t apply = std::min(note.value("total", std::int64_t{0}), inv->due());
    if (apply > 0)
      run_inner(ctx, credit_note_apply, {{"credit_note_id", credit}, {"invoice_id", inv->id}, {"amount", apply}},
                ctx.command_id + "-apply");
    out["credit_note_id"] = credit;
  }
  update_column(ctx.db, "appointments", a.id, "settlement", settle);
  return out;
}

Json money_of(store::Database& db, const Appointment& a) {
  Json m = {{"asked", 0}, {"paid", 0}, {"invoiced", 0}, {"due", 0}, {"payment_id", ""}, {"refund_until", ""},
            {"invoice_state", ""}};
  if (!a.request_id.empty()) {
    auto st = db.prepare("SELECT amount FROM payment_requests WHERE id = ?1");
    st.bind(1, a.request_id);
    if (st.step()) m["asked"] = st.column_int64(0);
  }
  if (const std::optional<ledger::Source> paid = booking_payment(db, a)) {
    m["paid"] = paid->total;
    m["payment_id"] = paid->id;
  }
  if (const std::optional<ledger::Invoice> inv = invoice_of(db, a)) {
    m["invoice_state"] = inv->state;
    if (inv->state == "issued" || inv->state == "cancelled") {
      m["invoiced"] = inv->state == "issued" ? inv->total : 0;
      // Paid towards the visit: the deposit and what paid the balance since (before any
      // cancellation's credit note settles the rest).
      if (a.settlement.empty()) m["paid"] = std::max<std::int64_t>(m["paid"].get<std::int64_t>(), inv->settled);
    }
    m["due"] = inv->due();
  }
  if (const std::optional<Category> c = find_category(db, a.category_id); c && c->refund_until_hours)
    m["refund_until"] = hours_before(a.starts_at, *c->refund_until_hours);
  return m;
}

}  // namespace quittance::app::appointments
