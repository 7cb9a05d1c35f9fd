// Appointment categories and their payment policy, and a minimal appointment (seed 004):
//   appointment_category.create / .update / .archive / .list
//   appointment.book     with the category's policy: none → confirmed at once; a deposit or the
//                        whole price → a request for that amount, and no invoice until it is
//                        paid (appointments.h says when it is made and numbered). Pending until
//                        the request is paid (server events), expired past the request's expiry.
//   appointment.create   the earlier version's booking (the whole price's invoice issued at
//                        booking), kept for the log's older operations
//   appointment.cancel   its open request cancelled with it; a paid booking refunded or kept
//                        (settle), with the credit note that implies
//   appointment.list     by date, with the request's state and link, and its money (asked, paid,
//                        invoiced, due)
#include <cctype>
#include <optional>

#include "app/appointments.h"
#include "app/args.h"
#include "app/command_error.h"
#include "app/invoice_handlers.h"
#include "app/ledger.h"
#include "app/payment_requests.h"
#include "app/registry.h"
#include "app/update_column.h"
#include "core/money.h"
#include "core/date.h"

namespace quittance::app {

namespace {

const char* const kPolicies[] = {"none", "deposit_amount", "deposit_percent", "full"};

std::string require_policy(const Json& cmd) {
  const std::string policy = require_string(cmd, "policy", 20);
  for (const char* p : kPolicies)
    if (policy == p) return policy;
  refuse("invalid_argument", "policy must be none, deposit_amount, deposit_percent or full", "policy");
}

using appointments::Category;
using appointments::find_category;
using appointments::run_inner;

// A policy that asks for money needs something to ask: a price, a deposit within it.
void check_policy(const Category& c) {
  if (c.policy == "full" && c.price <= 0) refuse("invalid_argument", "full payment needs a price", "price");
  if (c.policy == "deposit_amount" && c.deposit_value <= 0)
    refuse("invalid_argument", "the deposit must be more than zero", "deposit_value");
  if (c.policy == "deposit_amount" && c.price > 0 && c.deposit_value > c.price)
    refuse("invalid_argument", "the deposit is more than the price", "deposit_value");
  if (c.policy == "deposit_percent" && (c.deposit_value < 1 || c.deposit_value > 10000))
    refuse("invalid_argument", "the deposit is 0,01 % to 100 % (basis points 1 to 10000)", "deposit_value");
  if (c.policy == "deposit_percent" && c.price <= 0)
    refuse("invalid_argument", "a deposit in percent needs a price", "price");
}

// The fields a create or an update may carry, over `c`.
void read_category_fields(Context& ctx, Category& c) {
  const Json& cmd = ctx.cmd;
  if (has(cmd, "name")) c.name = require_text(cmd, "name", 100);
  if (has(cmd, "duration_min")) c.duration_min = require_int(cmd, "duration_min", 5, 600);
  if (has(cmd, "service_id")) {
    c.service_id = optional_string(cmd, "service_id", 64);
    if (!c.service_id.empty()) {
      auto st = ctx.db.prepare("SELECT unit_price, label FROM services WHERE id = ?1");
      st.bind(1, c.service_id);
      if (!st.step()) refuse("not_found", "no service \"" + c.service_id + "\"", "service_id");
      if (!has(cmd, "price")) c.price = st.column_int64(0);
      if (!has(cmd, "label")) c.label = st.column_text(1);
    }
  }
  if (has(cmd, "label")) c.label = optional_string(cmd, "label", 200);
  if (has(cmd, "price")) c.price = require_amount(cmd, "price", true);
  if (has(cmd, "policy")) c.policy = require_policy(cmd);
  if (has(cmd, "deposit_value")) c.deposit_value = require_int(cmd, "deposit_value", 0, core::kMaxAmount);
  if (has(cmd, "expiry_hours")) c.expiry_hours = require_int(cmd, "expiry_hours", 1, 720);
  if (has(cmd, "invoice_at")) {
    c.invoice_at = require_string(cmd, "invoice_at", 10);
    if (c.invoice_at != "payment" && c.invoice_at != "session")
      refuse("invalid_argument", "invoice_at must be payment (issued when the deposit is paid) or session", "invoice_at");
  }
  if (has(cmd, "refund_until_hours")) {
    if (cmd["refund_until_hours"].is_null())
      c.refund_until_hours.reset();  // the terms keep what was paid
    else
      c.refund_until_hours = require_int(cmd, "refund_until_hours", 0, 720);
  }
  check_policy(c);
}

void store_category(store::Database& db, const Category& c, bool insert) {
  auto st = db.prepare(insert ? "INSERT INTO appointment_categories(name, duration_min, service_id, label, price, policy, "
                                "deposit_value, expiry_hours, invoice_at, refund_until_hours, id) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                              : "UPDATE appointment_categories SET name = ?1, duration_min = ?2, service_id = ?3, "
                                "label = ?4, price = ?5, policy = ?6, deposit_value = ?7, expiry_hours = ?8, "
                                "invoice_at = ?9, refund_until_hours = ?10 WHERE id = ?11");
  st.bind(1, c.name).bind(2, c.duration_min);
  if (c.service_id.empty()) st.bind_null(3); else st.bind(3, c.service_id);
  st.bind(4, c.label).bind(5, c.price).bind(6, c.policy).bind(7, c.deposit_value).bind(8, c.expiry_hours);
  st.bind(9, c.invoice_at);
  if (c.refund_until_hours) st.bind(10, *c.refund_until_hours); else st.bind_null(10);
  st.bind(11, c.id);
  st.step();
}

Json category_create(Context& ctx) {
  Category c;
  c.id = ctx.command_id;
  c.policy = "none";
  c.name = require_text(ctx.cmd, "name", 100);
  read_category_fields(ctx, c);
  store_category(ctx.db, c, true);
  return Json{{"category_id", c.id}};
}

Category require_category(store::Database& db, const std::string& id) {
  std::optional<Category> c = find_category(db, id);
  if (!c) refuse("not_found", "no appointment category \"" + id + "\"", "category_id");
  return *c;
}

Json category_update(Context& ctx) {
  Category c = require_category(ctx.db, require_string(ctx.cmd, "category_id", 64));
  read_category_fields(ctx, c);
  store_category(ctx.db, c, false);
  return Json{{"category_id", c.id}};
}

Json category_archive(Context& ctx) {
  const Category c = require_category(ctx.db, require_string(ctx.cmd, "category_id", 64));
  update_column(ctx.db, "appointment_categories", c.id, "archived", std::int64_t{1});
  return Json{{"category_id", c.id}};
}

Json category_list(Context& ctx) {
  const bool archived = optional_bool(ctx.cmd, "archived", false);
  auto st = ctx.db.prepare("SELECT id FROM appointment_categories WHERE archived <= ?1 ORDER BY name COLLATE NOCASE, id");
  st.bind(1, static_cast<std::int64_t>(archived));
  Json items = Json::array();
  while (st.step()) {
    const Category c = *find_category(ctx.db, st.column_text(0));
    items.push_back({{"category_id", c.id}, {"name", c.name}, {"duration_min", c.duration_min},
                     {"service_id", c.service_id}, {"label", c.label}, {"price", c.price}, {"policy", c.policy},
                     {"deposit_value", c.deposit_value}, {"expiry_hours", c.expiry_hours}, {"archived", c.archived},
                     {"invoice_at", c.invoice_at},
                     {"refund_until_hours", c.refund_until_hours ? Json(*c.refund_until_hours) : Json()}});
  }
  return Json{{"items", std::move(items)}};
}

// "2026-12-12T14:30", a local time.
std::string require_start(const Json& cmd) {
  const std::string s = require_string(cmd, "starts_at", 16);
  const auto two = [&](std::size_t at, int high) {
    if (!std::isdigit(static_cast<unsigned char>(s[at])) || !std::isdigit(static_cast<unsigned char>(s[at + 1])))
      return false;
    return (s[at] - '0') * 10 + (s[at + 1] - '0') <= high;
  };
  if (s.size() != 16 || s[10] != 'T' || s[13] != ':' || !core::parse_iso_date(s.substr(0, 10)) || !two(11, 23) ||
      !two(14, 59))
    refuse("invalid_argument", "starts_at must be a local time, YYYY-MM-DDTHH:MM", "starts_at");
  return s;
}

// « le 12/12/2026 à 14:30 »
std::string spoken_start(const std::string& starts_at) {
  return "le " + core::format_fr(*core::parse_iso_date(starts_at.substr(0, 10))) + " à " + starts_at.substr(11, 5);
}

// The deposit a policy asks for, rounded half up to the cent for a percentage of `price` (what
// the visit costs: tax included for appointment.book; the category's price for appointment.create).
std::int64_t deposit_of(const Category& c, std::int64_t price) {
  if (c.policy == "deposit_amount") return c.deposit_value;
  return (price * c.deposit_value + 5000) / 10000;
}

// `legacy`: appointment.create, as Quittance before bookings paid as seed 004 says: the whole
// price's invoice issued at booking. Kept so that the log's older operations replay as they ran
// everywhere else; appointment.book is what the app sends now (an older device meeting it in
// the log stops and asks for an update, rather than booking otherwise).
Json book(Context& ctx, bool legacy) {
  const std::string patient = require_string(ctx.cmd, "patient_id", 64);
  ledger::require_patient(ctx.db, patient);
  const Category c = require_category(ctx.db, require_string(ctx.cmd, "category_id", 64));
  if (c.archived) refuse("archived", "the appointment category is archived", "category_id");
  const std::string starts_at = require_start(ctx.cmd);
  const std::string id = ctx.command_id;

  std::string invoice_id, request_id;
  Json request = nullptr;
  // What this booking agrees, kept with it (the category may change before the money comes).
  appointments::ResolvedLine line;
  if (!legacy) line = appointments::resolve_line(ctx, c, starts_at);
  if (c.policy != "none") {
    requests::Spec spec;
    spec.id = request_id = id + "-request";
    spec.token = require_string(ctx.cmd, "token", 64);
    if (!requests::is_valid_token(spec.token))
      refuse("invalid_argument", "token must be 32 to 64 characters of base64url", "token");
    spec.patient_id = patient;
    spec.send_email = optional_bool(ctx.cmd, "send_email", false);
    spec.expires_in_hours = c.expiry_hours;
    spec.appointment_id = id;
    if (legacy && c.policy == "full") {
      invoice_id = id + "-invoice";
      run_inner(ctx, invoice_create,
                {{"patient_id", patient}, {"lines", Json::array({appointments::invoice_line(c, starts_at)})}},
                invoice_id);
      run_inner(ctx, invoice_issue, {{"invoice_id", invoice_id}}, invoice_id + "-issue");
      spec.kind = "invoices";
      spec.invoice_ids = {invoice_id};
      spec.note = c.name + " " + spoken_start(starts_at);
    } else if (c.policy == "full") {
      // Money asked ahead (kind deposit): no invoice, so no number, until it comes
      // (appointments::on_request_paid); the visit's price, tax included.
      spec.kind = "deposit";
      spec.deposit = line.total;
      spec.note = c.name + " " + spoken_start(starts_at);
    } else {
      spec.kind = "deposit";
      spec.deposit = deposit_of(c, legacy ? c.price : line.total);
      spec.note = "Acompte – " + c.name + " " + spoken_start(starts_at);
    }
    request = requests::create(ctx, spec);
  }
  auto st = ctx.db.prepare(
      "INSERT INTO appointments(id, patient_id, category_id, starts_at, duration_min, status, invoice_id, request_id, "
      "created_at, confirmed_at, price) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7, ''), NULLIF(?8, ''), ?9, ?10, ?11)");
  const bool confirmed = c.policy == "none";
  st.bind(1, id).bind(2, patient).bind(3, c.id).bind(4, starts_at).bind(5, c.duration_min);
  st.bind(6, confirmed ? "confirmed" : "pending").bind(7, invoice_id).bind(8, request_id).bind(9, ctx.clock.now());
  if (confirmed) st.bind(10, ctx.clock.now()); else st.bind_null(10);
  // The price kept is also what marks a booking of this version (appointments.h: legacy()).
  if (legacy) st.bind_null(11); else st.bind(11, line.total);
  st.step();
  if (!legacy) {
    auto terms = ctx.db.prepare("UPDATE appointments SET invoice_line = ?2, policy = ?3, invoice_at = ?4 WHERE id = ?1");
    terms.bind(1, id).bind(2, line.line.dump()).bind(3, c.policy).bind(4, c.invoice_at);
    terms.step();
  }
  return Json{{"appointment_id", id}, {"status", confirmed ? "confirmed" : "pending"}, {"invoice_id", invoice_id},
              {"request", request}};
}

Json appointment_create(Context& ctx) { return book(ctx, /*legacy=*/true); }
Json appointment_book(Context& ctx) { return book(ctx, /*legacy=*/false); }

Json appointment_cancel(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "appointment_id", 64);
  const std::optional<appointments::Appointment> a = appointments::find(ctx.db, id);
  if (!a) refuse("not_found", "no appointment \"" + id + "\"", "appointment_id");
  if (a->status == "cancelled") refuse("appointment_cancelled", "the appointment is already cancelled", "appointment_id");
  Json out = appointments::settle_cancellation(ctx, *a, optional_string(ctx.cmd, "settle", 10));
  update_column(ctx.db, "appointments", id, "status", std::string("cancelled"));
  out["appointment_id"] = id;
  out["status"] = "cancelled";
  return out;
}

Json appointment_list(Context& ctx) {
  std::string where = "1";
  std::vector<std::string> args;
  auto add = [&](const std::string& clause, const std::string& value) {
    args.push_back(value);
    where += " AND " + clause + std::to_string(args.size());
  };
  if (has(ctx.cmd, "patient_id")) add("a.patient_id = ?", require_string(ctx.cmd, "patient_id", 64));
  if (has(ctx.cmd, "from")) add("a.starts_at >= ?", core::format_iso(require_date(ctx.cmd, "from")));
  if (has(ctx.cmd, "to")) add("a.starts_at < ?", core::format_iso(core::add_days(require_date(ctx.cmd, "to"), 1)));
  const Page page = read_page(ctx.cmd);
  auto st = ctx.db.prepare(
      "SELECT a.id, a.patient_id, p.name, a.category_id, c.name, c.policy, a.starts_at, a.duration_min, a.status, "
      "COALESCE(a.invoice_id, ''), COALESCE(i.number, ''), COALESCE(r.id, ''), COALESCE(r.state, ''), "
      "COALESCE(r.expires_at, ''), COALESCE(r.token, ''), COALESCE(r.amount, 0), COALESCE(r.kind, '') "
      "FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN appointment_categories c ON c.id = a.category_id "
      "LEFT JOIN invoices i ON i.id = a.invoice_id LEFT JOIN payment_requests r ON r.id = a.request_id WHERE " + where +
      " ORDER BY a.starts_at, a.rowid LIMIT ?" + std::to_string(args.size() + 1) + " OFFSET ?" +
      std::to_string(args.size() + 2));
  for (std::size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
  st.bind(static_cast<int>(args.size() + 1), page.limit).bind(static_cast<int>(args.size() + 2), page.offset);
  const std::string now = ctx.clock.now();
  Json items = Json::array();
  while (st.step()) {
    std::string status = st.column_text(8);
    Json request = nullptr;
    if (!st.column_text(11).empty()) {
      const std::string state = requests::effective_state(st.column_text(12), st.column_text(13), now);
      if (status == "pending" && state == "expired") status = "expired";
      request = {{"request_id", st.column_text(11)}, {"state", state}, {"expires_at", st.column_text(13)},
                 {"path", "/pay/" + st.column_text(14)}, {"amount", st.column_int64(15)}, {"kind", st.column_text(16)}};
    }
    items.push_back({{"appointment_id", st.column_text(0)}, {"patient_id", st.column_text(1)},
                     {"patient_name", st.column_text(2)}, {"category_id", st.column_text(3)},
                     {"category", st.column_text(4)}, {"policy", st.column_text(5)}, {"starts_at", st.column_text(6)},
                     {"duration_min", st.column_int64(7)}, {"status", status}, {"invoice_id", st.column_text(9)},
                     {"invoice_number", st.column_text(10)}, {"request", std::move(request)}});
    // What was asked, paid, invoiced and is still due: the appointment's money in one place.
    if (const auto a = appointments::find(ctx.db, st.column_text(0))) {
      items.back()["money"] = appointments::money_of(ctx.db, *a);
      items.back()["settlement"] = a->settlement;
      items.back()["legacy"] = appointments::legacy(*a);  // booked by an earlier version, left as it was
    }
  }
  return Json{{"items", std::move(items)}};
}

}  // namespace

void add_appointment_commands(Registry& r) {
  using core::Permission;
  r.push_back({"appointment_category.create", true, Permission::ManageSettings, category_create});
  r.push_back({"appointment_category.update", true, Permission::ManageSettings, category_update});
  r.push_back({"appointment_category.archive", true, Permission::ManageSettings, category_archive});
  r.push_back({"appointment_category.list", false, Permission::View, category_list});
  r.push_back({"appointment.create", true, Permission::WriteInvoices, appointment_create});
  r.push_back({"appointment.book", true, Permission::WriteInvoices, appointment_book});
  r.push_back({"appointment.cancel", true, Permission::WriteInvoices, appointment_cancel});
  r.push_back({"appointment.list", false, Permission::View, appointment_list});
}

}  // namespace quittance::app
