// `server_event.apply`: a fact born on the server recorded in the clinic's books. The server
// writes it into the clinic's log itself, under the id "srv-<clinic>-<seq>" and the actor
// `server` (docs/sync.md, « Server facts »); the demo's in-page server has it run here. Money
// is never dropped: a payment or refund whose patient or payment is not known here yet is
// refused (not_found), and a replica parks it and tries it again after each later operation
// (sync/replica.cpp).
//
//   payment.succeeded   a card payment: « Carte en ligne (Stripe) », Stripe's fee kept, put
//                       against its invoice up to what is still due, the rest account credit
//   refund.succeeded    a refund of that payment, route « processor »
//   card.saved          the patient's card (brand, last four, expiry) for « Débiter la carte »
//   card.removed        that card, removed in Stripe: no longer offered
//   payment.failed, payment.processing
//                       an attempt shown on the patient's file
//   message.update      an email scheduled, sent, failed or cancelled (Communications)
//   payment_request.update
//                       the patient opened a payment request's page
// A payment, attempt or card of a payment request (its `request_id`) also moves that request:
// paid (and its appointment confirmed), failed.
// Any other kind (a newer server's) is acknowledged and changes nothing.
#include <algorithm>

#include "app/appointments.h"
#include "app/args.h"
#include "app/command_error.h"
#include "app/ledger.h"
#include "app/message_events.h"
#include "app/payment_handlers.h"
#include "app/payment_requests.h"
#include "app/registry.h"
#include "core/money.h"

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
  // The record kept, when the patient's was merged while the payment was under way: the
  // request and the invoice moved there with it.
  const std::string named = require_string(data, "patient_id", 64);
  ledger::require_patient(ctx.db, named);
  const std::string patient = ledger::current_record(ctx.db, named);
  const std::string intent = require_string(data, "payment_intent_id", 255);
  if (std::string known = by_processor_ref(ctx.db, "payments", intent); !known.empty())
    return Json{{"applied", false}, {"payment_id", known}};
  // A payment request's (the patient's page): the fee passed on to the patient, if the practice
  // does, is not the patient's credit; what is left pays the request's invoices in order.
  const std::string request_id = optional_string(data, "request_id", 64);
  if (!request_id.empty() && requests::patient_of(ctx.db, request_id) != patient)
    refuse("not_found", "the payment request of this payment is not recorded here yet", "request_id");
  const std::int64_t surcharge = data.value("surcharge", std::int64_t{0});
  const std::int64_t charged = require_amount(data, "amount");
  if (surcharge < 0 || surcharge >= charged) refuse("invalid_amount", "the surcharge is not part of the payment", "surcharge");
  const std::int64_t amount = charged - surcharge;
  // Up to what the invoice still owes: paid meanwhile at the desk, the surplus is credit.
  Json allocations = Json::array();
  if (!request_id.empty()) {
    for (const requests::Share& s : requests::shares_of(ctx.db, request_id, amount))
      allocations.push_back({{"invoice_id", s.invoice_id}, {"amount", s.amount}});
  } else if (const std::string invoice_id = optional_string(data, "invoice_id", 64); !invoice_id.empty()) {
    auto st = ctx.db.prepare("SELECT patient_id FROM invoices WHERE id = ?1");
    st.bind(1, invoice_id);
    std::int64_t allocate = 0;
    if (st.step() && st.column_text(0) == patient)
      allocate = std::min(amount, ledger::require_invoice(ctx.db, invoice_id).due());
    if (allocate > 0) allocations.push_back({{"invoice_id", invoice_id}, {"amount", allocate}});
  }
  std::int64_t fee = data.value("fee", std::int64_t{0});
  fee = std::min(fee, amount);  // Stripe's fee on the whole charge; the books keep it within the payment
  Json cmd = {{"patient_id", patient},
              {"payment_type_id", kCardOnline},
              {"amount", amount},
              {"fee", fee},
              {"paid_on", data.at("paid_on")},
              {"reference", intent},
              {"processor_ref", intent}};
  if (surcharge > 0)
    cmd["note"] = "Frais de paiement en ligne payés par le patient : " +
                  core::format_fr(core::Money{surcharge, core::currency_from_code(ledger::practice_currency(ctx.db)).value_or(core::euro())}) + " (non comptés ici)";
  if (!allocations.empty()) cmd["allocations"] = std::move(allocations);
  Context sub{ctx.db, cmd, ctx.command_id, ctx.actor, ctx.role, ctx.clock, ctx.series, ctx.replaying};
  Json result = payment_create(sub);
  if (!request_id.empty()) {
    requests::mark_paid(ctx.db, request_id, ctx.command_id, ctx.clock.now());
    // A booking's: its invoice is made now (and paid by this payment), as its category says.
    appointments::on_request_paid(ctx, request_id, result.value("payment_id", ctx.command_id),
                                  data.at("paid_on").get<std::string>());
  }
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
  // Saved through a card request's page: that request is done.
  if (const std::string request_id = optional_string(data, "request_id", 64);
      !request_id.empty() && requests::patient_of(ctx.db, request_id) == patient)
    requests::mark_paid(ctx.db, request_id, "", ctx.clock.now());
  return Json{{"applied", true}};
}

// payment_request.update: the patient opened the page (the server saw it first).
Json record_request_update(Context& ctx, const Json& data) {
  const std::string request_id = require_string(data, "request_id", 64);
  if (requests::patient_of(ctx.db, request_id).empty()) return Json{{"applied", false}};  // not in these books
  if (optional_string(data, "state", 20) == "opened")
    requests::mark_opened(ctx.db, request_id, optional_string(data, "at", 40));
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
  const std::string named = require_string(data, "patient_id", 64);
  if (!patient_exists(ctx.db, named)) return Json{{"applied", false}};
  const std::string patient = ledger::current_record(ctx.db, named);
  auto st = ctx.db.prepare(
      "INSERT INTO card_attempts(id, patient_id, invoice_id, amount, status, decline_code, at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  st.bind(1, ctx.command_id).bind(2, patient).bind(3, optional_string(data, "invoice_id", 64));
  st.bind(4, data.value("amount", std::int64_t{0})).bind(5, status).bind(6, optional_string(data, "decline_code", 64));
  st.bind(7, ctx.clock.now());
  st.step();
  if (const std::string request_id = optional_string(data, "request_id", 64); !request_id.empty() && status == "failed")
    requests::mark_failed(ctx.db, request_id, optional_string(data, "decline_code", 64));
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
    if (kind == "payment_request.update") return record_request_update(ctx, data);
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
