// Payment requests (docs/payment_requests.md; seeds 002, 003, 004):
//   payment_request.create  a link for invoices, a deposit or a card to save
//   payment_request.cancel  the link stops working
//   payment_request.list    a patient's (or an invoice's, or every) request, with its state
//   payment_request.view    what the patient's page shows for a token: the server runs it on its
//                           copy of the books; nothing in it that the request does not need
#include "app/args.h"
#include "app/command_error.h"
#include "app/invoice_handlers.h"
#include "app/ledger.h"
#include "app/payment_requests.h"
#include "app/registry.h"
#include "app/settings_keys.h"
#include "core/fees.h"

namespace quittance::app {

namespace {

Json payment_request_create(Context& ctx) { return requests::create(ctx, requests::read_spec(ctx)); }

Json payment_request_cancel(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "request_id", 64);
  auto st = ctx.db.prepare("SELECT state FROM payment_requests WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) refuse("not_found", "no payment request \"" + id + "\"", "request_id");
  if (st.column_text(0) == "paid") refuse("request_paid", "the request is paid: refund the payment instead", "request_id");
  auto up = ctx.db.prepare("UPDATE payment_requests SET state = 'cancelled' WHERE id = ?1");
  up.bind(1, id);
  up.step();
  return Json{{"request_id", id}, {"state", "cancelled"}};
}

constexpr const char* kColumns =
    "r.id, r.kind, r.state, r.amount, r.currency, r.created_at, r.expires_at, r.token, r.patient_id, p.name, r.note, "
    "r.send_email, r.recipient, r.decline_code, COALESCE(r.appointment_id, ''), COALESCE(r.paid_at, ''), "
    "COALESCE(r.opened_at, ''), r.save_card";

Json invoices_of(store::Database& db, const std::string& request_id) {
  auto st = db.prepare(
      "SELECT l.invoice_id, COALESCE(i.number, '') FROM payment_request_invoices l JOIN invoices i ON i.id = l.invoice_id "
      "WHERE l.request_id = ?1 ORDER BY l.position");
  st.bind(1, request_id);
  Json out = Json::array();
  while (st.step()) out.push_back({{"invoice_id", st.column_text(0)}, {"number", st.column_text(1)}});
  return out;
}

Json request_row(Context& ctx, store::Statement& st) {
  const std::string now = ctx.clock.now();
  const std::string id = st.column_text(0);
  return Json{{"request_id", id},
              {"kind", st.column_text(1)},
              {"state", requests::effective_state(st.column_text(2), st.column_text(6), now)},
              {"amount", st.column_int64(3)},
              {"currency", st.column_text(4)},
              {"created_at", st.column_text(5)},
              {"expires_at", st.column_text(6)},
              {"token", st.column_text(7)},
              {"path", "/pay/" + st.column_text(7)},
              {"patient_id", st.column_text(8)},
              {"patient_name", st.column_text(9)},
              {"note", st.column_text(10)},
              {"send_email", st.column_int64(11) != 0},
              {"recipient", st.column_text(12)},
              {"decline_code", st.column_text(13)},
              {"appointment_id", st.column_text(14)},
              {"paid_at", st.column_text(15)},
              {"opened_at", st.column_text(16)},
              {"save_card", st.column_int64(17) != 0},
              {"invoices", invoices_of(ctx.db, id)}};
}

Json payment_request_list(Context& ctx) {
  std::string where = "?1 IS NULL";  // every request
  std::string value;
  if (has(ctx.cmd, "request_id")) {
    where = "r.id = ?1";
    value = require_string(ctx.cmd, "request_id", 64);
  } else if (has(ctx.cmd, "patient_id")) {
    where = "r.patient_id = ?1";
    value = require_string(ctx.cmd, "patient_id", 64);
  } else if (has(ctx.cmd, "invoice_id")) {
    where = "r.id IN (SELECT request_id FROM payment_request_invoices WHERE invoice_id = ?1)";
    value = require_string(ctx.cmd, "invoice_id", 64);
  }
  const Page page = read_page(ctx.cmd);
  auto st = ctx.db.prepare(std::string("SELECT ") + kColumns +
                           " FROM payment_requests r JOIN patients p ON p.id = r.patient_id WHERE " + where +
                           " ORDER BY r.created_at DESC, r.rowid DESC LIMIT ?2 OFFSET ?3");
  if (value.empty()) st.bind_null(1); else st.bind(1, value);
  st.bind(2, page.limit).bind(3, page.offset);
  Json items = Json::array();
  while (st.step()) items.push_back(request_row(ctx, st));
  return Json{{"items", std::move(items)}};
}

// "1", "1,5", "0,25": a line's quantity as the patient reads it.
std::string quantity_text(std::int64_t milli) {
  std::string out = std::to_string(milli / 1000);
  std::int64_t rest = milli % 1000;
  if (rest == 0) return out;
  std::string decimals = std::to_string(1000 + rest).substr(1);
  while (!decimals.empty() && decimals.back() == '0') decimals.pop_back();
  return out + "," + decimals;
}

// One invoice as the page lists it: its lines without the catalogue's internals.
Json invoice_view(Context& ctx, const std::string& invoice_id) {
  Json cmd = {{"invoice_id", invoice_id}};
  Context sub{ctx.db, cmd, ctx.command_id, ctx.actor, ctx.role, ctx.clock, ctx.series, ctx.replaying};
  const Json inv = invoice_get(sub);
  Json lines = Json::array();
  for (const Json& l : inv["lines"])
    lines.push_back({{"label", l["label"]},
                     {"service_date", l["service_date"]},
                     {"quantity", quantity_text(l.value("quantity_milli", std::int64_t{1000}))},
                     {"total", l["total"]}});
  return Json{{"invoice_id", invoice_id}, {"number", inv["number"]}, {"issued_on", inv["issued_on"]},
              {"lines", std::move(lines)}, {"total", inv["total"]}, {"due", inv["due"]},
              {"cancelled", inv.value("status", "") == "cancelled"}, {"notes", inv["notes"]}};
}

Json payment_request_view(Context& ctx) {
  const std::string token = require_string(ctx.cmd, "token", 64);
  auto st = ctx.db.prepare(std::string("SELECT ") + kColumns +
                           " FROM payment_requests r JOIN patients p ON p.id = r.patient_id WHERE r.token = ?1");
  st.bind(1, token);
  if (!requests::is_valid_token(token) || !st.step()) refuse("not_found", "no payment request for this link", "token");
  const Json row = request_row(ctx, st);
  const std::string kind = row["kind"];
  const std::string patient_email = [&] {
    auto e = ctx.db.prepare("SELECT email FROM patients WHERE id = ?1");
    e.bind(1, row["patient_id"].get<std::string>());
    return e.step() ? e.column_text(0) : std::string();
  }();
  const Json full_practice = practice_block(ctx.db);
  Json practice = Json::object();
  for (const char* key : {"name", "address", "email", "cgv_url", "cancellation_terms"}) practice[key] = full_practice[key];

  // What is asked now: an invoice paid at the desk since, or cancelled, is asked no more.
  std::string state = row["state"];
  std::int64_t amount = kind == "deposit" ? row["amount"].get<std::int64_t>() : 0;
  Json invoices = Json::array();
  bool any_open = false;
  for (const Json& i : row["invoices"]) {
    Json v = invoice_view(ctx, i["invoice_id"]);
    amount += v["due"].get<std::int64_t>();
    any_open = any_open || !v["cancelled"].get<bool>();
    invoices.push_back(std::move(v));
  }
  if (kind == "invoices" && (state == "sent" || state == "opened" || state == "failed")) {
    if (!any_open) state = "cancelled";
    else if (amount == 0) state = "paid";
  }
  std::int64_t fee = 0;
  if (kind != "card" && amount > 0 && setting_or_default(ctx.db, "billing.pass_fees") == "1") {
    if (auto gross = core::gross_up(amount, *core::fee_schedule_for("card"))) fee = *gross - amount;
  }
  Json appointment = nullptr;
  if (!row["appointment_id"].get<std::string>().empty()) {
    auto a = ctx.db.prepare(
        "SELECT a.starts_at, c.name, c.policy FROM appointments a JOIN appointment_categories c ON c.id = a.category_id "
        "WHERE a.id = ?1");
    a.bind(1, row["appointment_id"].get<std::string>());
    // "payment": the whole visit paid at booking ("full"), or a deposit on it.
    if (a.step())
      appointment = Json{{"starts_at", a.column_text(0)},
                         {"category", a.column_text(1)},
                         {"payment", a.column_text(2) == "full" ? "full" : "deposit"}};
  }
  const std::string page_state =
      state == "paid" || state == "cancelled" || state == "expired" ? state : std::string("payable");
  return Json{{"request_id", row["request_id"]},
              {"patient_id", row["patient_id"]},
              {"patient_email", patient_email},
              {"state", page_state},
              {"kind", kind},
              {"practice", std::move(practice)},
              {"patient_name", row["patient_name"]},
              {"note", row["note"]},
              {"currency", row["currency"]},
              {"amount", amount},
              {"fee", fee},
              {"total", amount + fee},
              {"expires_at", row["expires_at"]},
              {"save_card", kind == "card" ? "required" : row["save_card"].get<bool>() ? "offered" : "none"},
              {"invoices", std::move(invoices)},
              {"appointment", std::move(appointment)}};
}

}  // namespace

void add_payment_request_commands(Registry& r) {
  using core::Permission;
  r.push_back({"payment_request.create", true, Permission::TakePayments, payment_request_create});
  r.push_back({"payment_request.cancel", true, Permission::TakePayments, payment_request_cancel});
  r.push_back({"payment_request.list", false, Permission::View, payment_request_list});
  r.push_back({"payment_request.view", false, Permission::View, payment_request_view});
}

}  // namespace quittance::app
