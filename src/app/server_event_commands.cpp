// `server_event.apply`: a fact born on the server (GET /api/events; docs/api.md) recorded in
// the clinic's books. The device applies each event under the command id "srv-<clinic>-<seq>", so an
// event applied from the charge's own answer and again from the pull is recorded once (the
// second is a replay). Money is never dropped: a payment or refund whose patient or payment is
// not known here yet is refused, and the device retries it at its next pull, in order.
//
//   payment.succeeded   a card payment: « Carte en ligne (Stripe) », Stripe's fee kept, put
//                       against its invoice up to what is still due, the rest account credit
//   refund.succeeded    a refund of that payment, route « processor »
//   card.saved          the patient's card (brand, last four, expiry) for « Débiter la carte »
//   card.removed        that card, removed in Stripe: no longer offered
//   payment.failed, payment.processing
//                       an attempt shown on the patient's file
//   message.update      an email scheduled, sent, failed or cancelled (Communications)
// Any other kind (a newer server's) is acknowledged and changes nothing.
#include <algorithm>

#include "app/args.h"
#include "app/command_error.h"
#include "app/ledger.h"
#include "app/message_events.h"
#include "app/payment_handlers.h"
#include "app/registry.h"

namespace quittance::app {

namespace {

constexpr const char* kCardOnline = "card_online";

const Json& require_object(const Json& cmd, const char* field) {
  auto it = cmd.find(field);
  if (it == cmd.end() || !it->is_object()) refuse("invalid_argument", std::string(field) + " must be an object", field);
  return *it;
}

bool patient_exists(store::Database& db, const std::string& id) {
  auto st = db.prepare("SELECT 1 FROM patients WHERE id = ?1");
  st.bind(1, id);
  return st.step();
}

// The local id of what Stripe's id stands for in `table`, or "".
std::string by_processor_ref(store::Database& db, const char* table, const std::string& ref) {
  auto st = db.prepare(std::string("SELECT id FROM ") + table + " WHERE processor_ref = ?1");
  st.bind(1, ref);
  return st.step() ? st.column_text(0) : "";
}

Json record_payment(Context& ctx, const Json& data) {
  const std::string patient = require_string(data, "patient_id", 64);
  ledger::require_patient(ctx.db, patient);
  const std::string intent = require_string(data, "payment_intent_id", 255);
  if (std::string known = by_processor_ref(ctx.db, "payments", intent); !known.empty())
    return Json{{"applied", false}, {"payment_id", known}};
  const std::int64_t amount = require_amount(data, "amount");
  // Up to what the invoice still owes: paid meanwhile at the desk, the surplus is credit.
  std::int64_t allocate = 0;
  const std::string invoice_id = optional_string(data, "invoice_id", 64);
  if (!invoice_id.empty()) {
    auto st = ctx.db.prepare("SELECT patient_id FROM invoices WHERE id = ?1");
    st.bind(1, invoice_id);
    if (st.step() && st.column_text(0) == patient)
      allocate = std::min(amount, ledger::require_invoice(ctx.db, invoice_id).due());
  }
  Json cmd = {{"patient_id", patient},
              {"payment_type_id", kCardOnline},
              {"amount", amount},
              {"fee", data.value("fee", Json(0))},
              {"paid_on", data.at("paid_on")},
              {"reference", intent},
              {"processor_ref", intent}};
  if (allocate > 0) cmd["allocations"] = Json::array({{{"invoice_id", invoice_id}, {"amount", allocate}}});
  Context sub{ctx.db, cmd, ctx.command_id, ctx.actor, ctx.role, ctx.clock, ctx.series, ctx.replaying};
  Json result = payment_create(sub);
  result["applied"] = true;
  return result;
}

Json record_refund(Context& ctx, const Json& data) {
  const std::string refund_ref = require_string(data, "refund_id", 255);
  if (std::string known = by_processor_ref(ctx.db, "refunds", refund_ref); !known.empty())
    return Json{{"applied", false}, {"refund_id", known}};
  const std::string payment = by_processor_ref(ctx.db, "payments", require_string(data, "payment_intent_id", 255));
  if (payment.empty())
    refuse("not_found", "the card payment of this refund is not recorded here yet", "payment_intent_id");
  auto st = ctx.db.prepare("SELECT patient_id FROM payments WHERE id = ?1");
  st.bind(1, payment);
  st.step();
  const Json cmd = {{"patient_id", st.column_text(0)},
                    {"payment_id", payment},
                    {"amount", data.at("amount")},
                    {"payment_type_id", kCardOnline},
                    {"route", "processor"},
                    {"reason", data.at("reason")},
                    {"details", "Stripe " + refund_ref},
                    {"refunded_on", data.at("refunded_on")}};
  Context sub{ctx.db, cmd, ctx.command_id, ctx.actor, ctx.role, ctx.clock, ctx.series, ctx.replaying};
  Json result = refund_create(sub);
  auto mark = ctx.db.prepare("UPDATE refunds SET processor_ref = ?1 WHERE id = ?2");
  mark.bind(1, refund_ref).bind(2, ctx.command_id);
  mark.step();
  result["applied"] = true;
  return result;
}

Json record_card(Context& ctx, const Json& data) {
  const std::string patient = require_string(data, "patient_id", 64);
  if (!patient_exists(ctx.db, patient)) return Json{{"applied", false}};  // not a patient of this device's books
  auto st = ctx.db.prepare(
      "INSERT INTO patient_cards(patient_id, brand, last4, exp_month, exp_year, saved_at) VALUES (?1, ?2, ?3, ?4, ?5, "
      "?6) "
      "ON CONFLICT DO NOTHING");
  st.bind(1, patient).bind(2, require_string(data, "brand", 40)).bind(3, require_string(data, "last4", 4));
  st.bind(4, data.value("exp_month", std::int64_t{0})).bind(5, data.value("exp_year", std::int64_t{0}));
  st.bind(6, ctx.clock.now());
  st.step();
  return Json{{"applied", true}};
}

Json remove_card(Context& ctx, const Json& data) {
  auto st = ctx.db.prepare(
      "DELETE FROM patient_cards WHERE patient_id = ?1 AND brand = ?2 AND last4 = ?3 AND exp_month = ?4 AND "
      "exp_year = ?5");
  st.bind(1, require_string(data, "patient_id", 64)).bind(2, require_string(data, "brand", 40));
  st.bind(3, require_string(data, "last4", 4)).bind(4, data.value("exp_month", std::int64_t{0}));
  st.bind(5, data.value("exp_year", std::int64_t{0}));
  st.step();
  return Json{{"applied", true}};
}

Json record_attempt(Context& ctx, const std::string& status, const Json& data) {
  const std::string patient = require_string(data, "patient_id", 64);
  if (!patient_exists(ctx.db, patient)) return Json{{"applied", false}};
  auto st = ctx.db.prepare(
      "INSERT INTO card_attempts(id, patient_id, invoice_id, amount, status, decline_code, at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  st.bind(1, ctx.command_id).bind(2, patient).bind(3, optional_string(data, "invoice_id", 64));
  st.bind(4, data.value("amount", std::int64_t{0})).bind(5, status).bind(6, optional_string(data, "decline_code", 64));
  st.bind(7, ctx.clock.now());
  st.step();
  return Json{{"applied", true}};
}

Json server_event_apply(Context& ctx) {
  const Json& event = require_object(ctx.cmd, "event");
  const std::string kind = require_string(event, "kind", 64);
  const Json& data = require_object(event, "data");
  try {
    if (kind == "payment.succeeded") return record_payment(ctx, data);
    if (kind == "refund.succeeded") return record_refund(ctx, data);
    if (kind == "card.saved") return record_card(ctx, data);
    if (kind == "card.removed") return remove_card(ctx, data);
    if (kind == "payment.failed") return record_attempt(ctx, "failed", data);
    if (kind == "payment.processing") return record_attempt(ctx, "processing", data);
    if (kind == "message.update") return record_message_update(ctx, data);
  } catch (CommandError& e) {
    e.field = "event.data." + e.field;  // the field names are the event's
    throw;
  }
  return Json{{"applied", false}, {"ignored", kind}};
}

Json card_list(Context& ctx) {
  const std::string patient = require_string(ctx.cmd, "patient_id", 64);
  auto st = ctx.db.prepare(
      "SELECT brand, last4, exp_month, exp_year, saved_at FROM patient_cards WHERE patient_id = ?1 "
      "ORDER BY saved_at DESC, rowid DESC");
  st.bind(1, patient);
  Json items = Json::array();
  while (st.step())
    items.push_back({{"brand", st.column_text(0)},
                     {"last4", st.column_text(1)},
                     {"exp_month", st.column_int64(2)},
                     {"exp_year", st.column_int64(3)},
                     {"saved_at", st.column_text(4)}});
  auto attempts = ctx.db.prepare(
      "SELECT invoice_id, amount, status, decline_code, at FROM card_attempts WHERE patient_id = ?1 "
      "ORDER BY at DESC, rowid DESC LIMIT 20");
  attempts.bind(1, patient);
  Json tried = Json::array();
  while (attempts.step())
    tried.push_back({{"invoice_id", attempts.column_text(0)},
                     {"amount", attempts.column_int64(1)},
                     {"status", attempts.column_text(2)},
                     {"decline_code", attempts.column_text(3)},
                     {"at", attempts.column_text(4)}});
  return Json{{"items", std::move(items)}, {"attempts", std::move(tried)}};
}

}  // namespace

void add_server_event_commands(Registry& r) {
  // View: a fact that already happened at Stripe is recorded whoever is signed in on the
  // device that pulls it; taking or refunding a payment is checked where it is asked for.
  r.push_back({"server_event.apply", true, core::Permission::View, server_event_apply});
  r.push_back({"card.list", false, core::Permission::View, card_list});
}

}  // namespace quittance::app
