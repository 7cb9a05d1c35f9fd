// Card payments through Stripe. See stripe/payments.h.
#include "server/stripe/payments.h"

#include <iostream>
#include <optional>

#include "app/command_id.h"
#include "core/money.h"
#include "core/roles.h"
#include "core/schedule.h"
#include "server/http/body_fields.h"
#include "server/store/idempotency.h"
#include "server/stripe/records.h"

namespace quittance::server {

namespace {

using core::kMaxAmount;  // the command layer's own ceiling
// A charge asked for and not answered for this long is taken as abandoned, and no longer
// keeps another charge of its invoice waiting (its own retry still finds its outcome).
constexpr std::int64_t kPendingChargeWindow = 10 * 60;

ApiAnswer error_answer(int status, const std::string& code, const std::string& message, Json extra = Json::object()) {
  Json body = api_error(code, message);
  for (auto& [key, value] : extra.items()) body["error"][key] = value;
  return {status, body};
}

ApiAnswer invalid(const RequestFields& f) {
  return error_answer(400, "invalid_argument", f.error(), {{"field", f.field()}});
}

// The role the device says its signed-in user has (users are the device's), checked with the
// core's rules as the command layer does, and within the device's own ceiling, which an owner
// set and the device cannot raise (docs/security.md, « Roles »).
std::optional<ApiAnswer> refuse_role(const Device& device, const Json& body, core::Permission permission) {
  auto it = body.find("role");
  std::optional<core::Role> role;
  if (it != body.end() && it->is_string()) role = core::role_from_string(it->get<std::string>());
  if (!role)
    return error_answer(400, "invalid_argument", "\"role\" must be the signed-in user's role", {{"field", "role"}});
  if (!core::allowed(*role, permission)) return error_answer(403, "forbidden", "this role may not do this");
  if (!core::allowed(device.role, permission)) return error_answer(403, "forbidden", "this device may not do this");
  return std::nullopt;
}

std::optional<ApiAnswer> refuse_command_id(const std::string& command_id) {
  if (app::valid_command_id(command_id)) return std::nullopt;
  return error_answer(400, "invalid_argument", "\"command_id\" must be 1 to 64 letters, digits, '-' or '_'",
                      {{"field", "command_id"}});
}

// No client for this clinic: not configured (503), not activated or not active yet (409).
ApiAnswer refused_by_access(const ClinicStripe& access) {
  return error_answer(access.status, access.code, access.message);
}

// Stripe did not answer (after the client's own retries): the outcome is unknown, and the
// app retries with the same command id, so the same Idempotency-Key.
ApiAnswer stripe_unreachable(const StripeResponse& r, const char* what) {
  std::cerr << "quittance-server: Stripe unreachable (" << what << ", " << r.attempts
            << " attempts): " << r.transport_error << '\n';
  return error_answer(502, "stripe_unreachable", "Stripe could not be reached; retry with the same command_id");
}

// Stripe refused in a way no retry fixes by itself (a bad key, a bad request): logged with
// Stripe's codes only, never the request's contents.
std::string json_text(const Json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

ApiAnswer stripe_error(const StripeResponse& r, const char* what) {
  const Json& e = r.error();  // null when Stripe's answer was not its JSON
  // The clinic disconnected Quittance from its account (Connect) while this was on its way.
  if (r.status == 403 && json_text(e, "code") == "account_invalid")
    return error_answer(409, "stripe_deauthorized", "the clinic disconnected its Stripe account from Quittance");
  std::cerr << "quittance-server: Stripe refused " << what << ": HTTP " << r.status << ' ' << json_text(e, "type")
            << ' ' << json_text(e, "code") << '\n';
  return error_answer(502, "stripe_error", "Stripe refused the request", {{"stripe_code", json_text(e, "code")}});
}

// Stripe answered, and no retry of the same request will go otherwise: a 4xx other than a
// rate limit or a concurrent use of the key.
bool definitive_refusal(const StripeResponse& r) {
  return r.answered() && r.status >= 400 && r.status < 500 && r.status != 409 && r.status != 429;
}

// The replay of a finished request, a refusal for a reused id, or nullopt to go ahead.
std::optional<ApiAnswer> begin(PaymentsContext& ctx, const Device& device, const std::string& command_id,
                               const char* route, const Json& request) {
  RequestCheck check = ctx.db.with(
      [&](Sql& d) { return begin_request(d, device.clinic_id, command_id, route, request, ctx.now()); });
  switch (check.state) {
    case RequestState::conflicting:
      return error_answer(409, "command_id_reused", "this command_id was used for another request");
    case RequestState::finished: {
      ApiAnswer replay{check.answer->status, check.answer->body};
      replay.body["replayed"] = true;
      return replay;
    }
    case RequestState::fresh:
    case RequestState::unfinished:
      break;
  }
  return std::nullopt;
}

ApiAnswer finish(PaymentsContext& ctx, const Device& device, const std::string& command_id, ApiAnswer answer) {
  ctx.db.with([&](Sql& d) {
    finish_request(d, device.clinic_id, command_id, {answer.status, answer.body});
  });
  return answer;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The answer a charge's recorded outcome gives, the same as when Stripe first answered.
ApiAnswer charge_answer(const ServerEvent& event, const std::string& payment_intent_id) {
  if (event.kind == "payment.succeeded" || event.kind == "payment.processing") {
    return {event.kind == "payment.succeeded" ? 200 : 202,
            {{"ok", true},
             {"status", event.kind == "payment.succeeded" ? "succeeded" : "processing"},
             {"payment_intent_id", payment_intent_id},
             {"event", event.to_json()}}};
  }
  const std::string decline_code = event.data.value("decline_code", "");
  const std::string code =
      decline_code == "authentication_required" || event.data.value("code", "") == "authentication_required"
          ? "authentication_required"
          : "card_declined";
  return error_answer(402, code,
                      code == "card_declined" ? "the card was declined" : "the bank asks the patient to authenticate",
                      {{"decline_code", decline_code}, {"event", event.to_json()}});
}

}  // namespace

std::int64_t stripe_fee(const Json& payment_intent) {
  auto charge = payment_intent.find("latest_charge");
  if (charge == payment_intent.end() || !charge->is_object()) return 0;
  auto txn = charge->find("balance_transaction");
  if (txn == charge->end() || !txn->is_object()) return 0;
  auto fee = txn->find("fee");
  return fee != txn->end() && fee->is_number_integer() ? fee->get<std::int64_t>() : 0;
}

ApiAnswer setup_card(PaymentsContext& ctx, const Device& device, const Json& body) {
  RequestFields f(body);
  const std::string command_id = f.text("command_id");
  const std::string patient_id = f.text("patient_id");
  const std::string patient_name = f.text("patient_name", 200);
  const std::string email = f.optional_text("email", 254);
  if (!f.ok()) return invalid(f);
  if (auto refusal = refuse_command_id(command_id)) return *refusal;
  if (auto refusal = refuse_role(device, body, core::Permission::TakePayments)) return *refusal;
  const ClinicStripe access = ctx.stripe->for_payments(device.clinic_id);
  if (!access.client) return refused_by_access(access);
  const StripeClient& stripe = *access.client;
  const Json request = {{"patient_id", patient_id}, {"patient_name", patient_name}, {"email", email}};
  if (auto replay = begin(ctx, device, command_id, "cards/setup", request)) return *replay;

  std::optional<std::string> customer =
      ctx.db.with([&](Sql& d) { return find_customer(d, device.clinic_id, patient_id); });
  if (!customer) {
    FormParams params = {
        {"name", patient_name}, {"metadata[clinic_id]", device.clinic_id}, {"metadata[patient_id]", patient_id}};
    if (!email.empty()) params.emplace_back("email", email);
    StripeResponse r = stripe.post("/v1/customers", params, "quittance-customer-" + command_id);
    if (!r.answered()) return stripe_unreachable(r, "customer");
    if (!r.ok() || json_text(r.body, "id").empty()) return stripe_error(r, "customer");
    customer = ctx.db.with([&](Sql& d) {
      return keep_customer(d, device.clinic_id, patient_id, json_text(r.body, "id"), ctx.now());
    });
  }
  StripeResponse r = stripe.post("/v1/setup_intents",
                                      {{"customer", *customer},
                                       {"usage", "off_session"},
                                       {"payment_method_types[]", "card"},
                                       {"metadata[clinic_id]", device.clinic_id},
                                       {"metadata[patient_id]", patient_id}},
                                      "quittance-setup-" + command_id);
  if (!r.answered()) return stripe_unreachable(r, "setup intent");
  const std::string setup_intent_id = json_text(r.body, "id");
  if (!r.ok() || setup_intent_id.empty()) return stripe_error(r, "setup intent");
  ctx.db.with([&](Sql& d) {
    CardSetup setup;
    setup.clinic_id = device.clinic_id;
    setup.patient_id = patient_id;
    insert_card_setup(d, setup_intent_id, setup, command_id, ctx.now());
  });
  return finish(ctx, device, command_id,
                {201,
                 {{"ok", true},
                  {"setup_intent_id", setup_intent_id},
                  {"client_secret", json_text(r.body, "client_secret")},
                  {"status", json_text(r.body, "status")}}});
}

ApiAnswer list_cards(PaymentsContext& ctx, const Device& device, const std::string& patient_id) {
  if (patient_id.empty() || patient_id.size() > 64)
    return error_answer(400, "invalid_argument", "\"patient_id\" must be 1 to 64 bytes", {{"field", "patient_id"}});
  Json cards = ctx.db.with([&](Sql& d) {
    SqlStatement s = d.prepare(
        "SELECT brand, last4, exp_month, exp_year, created_at FROM saved_cards "
        "WHERE clinic_id = ? AND patient_id = ? AND detached = 0 ORDER BY created_at DESC, rowid DESC");
    s.bind(1, device.clinic_id).bind(2, patient_id);
    Json out = Json::array();
    while (s.step())
      out.push_back({{"brand", s.column_text(0)},
                     {"last4", s.column_text(1)},
                     {"exp_month", s.column_int64(2)},
                     {"exp_year", s.column_int64(3)},
                     {"saved_at", s.column_text(4)}});
    return out;
  });
  return {200, {{"ok", true}, {"cards", cards}}};
}

ApiAnswer charge_saved_card(PaymentsContext& ctx, const Device& device, const Json& body) {
  RequestFields f(body);
  ChargeRecord charge;
  charge.clinic_id = device.clinic_id;
  charge.command_id = f.text("command_id");
  charge.patient_id = f.text("patient_id");
  charge.invoice_id = f.text("invoice_id");
  const std::string invoice_number = f.text("invoice_number", 40);
  charge.amount = f.integer("amount", 1, kMaxAmount);
  const std::int64_t amount_due = f.integer("amount_due", 0, kMaxAmount);
  charge.currency = upper(f.text("currency", 3));
  const bool letters = charge.currency.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos;
  charge.paid_on = f.iso_date("paid_on");
  // How far this device has read the clinic's log (`log_after`), or, from a device older than
  // server facts in the log, the events (`events_after`).
  const bool by_log = body.contains("log_after");
  const std::int64_t seen_up_to = by_log ? f.optional_integer("log_after", 0, INT64_MAX, 0)
                                         : f.optional_integer("events_after", 0, INT64_MAX, 0);
  if (!f.ok()) return invalid(f);
  if (auto refusal = refuse_command_id(charge.command_id)) return *refusal;
  if (auto refusal = refuse_role(device, body, core::Permission::TakePayments)) return *refusal;
  if (charge.currency.size() != 3 || !letters)
    return error_answer(400, "invalid_argument", "\"currency\" must be an ISO 4217 code", {{"field", "currency"}});
  if (charge.amount != amount_due)
    return error_answer(400, "amount_mismatch", "the amount charged must be the invoice's amount due",
                        {{"field", "amount"}});
  const ClinicStripe access = ctx.stripe->for_payments(device.clinic_id);
  if (!access.client) return refused_by_access(access);
  const Json request = {{"patient_id", charge.patient_id},  {"invoice_id", charge.invoice_id},
                        {"invoice_number", invoice_number}, {"amount", charge.amount},
                        {"currency", charge.currency},      {"paid_on", charge.paid_on}};
  if (auto replay = begin(ctx, device, charge.command_id, "charges", request)) return *replay;

  // Under one lock: is another payment of this invoice under way, or done and not yet seen by
  // this device (seen_up_to)? Then charging again could pay it twice.
  struct Ready {
    std::optional<ApiAnswer> refusal;
    std::string customer;
    CardRecord card;
    bool known_outcome = false;  // `refusal` is then the recorded outcome's answer
  };
  const std::int64_t now = ctx.now();
  Ready ready = ctx.db.with([&](Sql& d) {
    Ready out;
    // A retry of this very charge: its outcome may be known already (the webhook told us, or
    // the answer was lost after we recorded it), and it must use the card it first used.
    std::optional<ChargeRecord> mine = find_charge_by_command(d, device.clinic_id, charge.command_id);
    if (mine && mine->status != "pending") {
      if (std::optional<ServerEvent> event = outcome_event(d, *mine)) {
        out.refusal = charge_answer(*event, mine->payment_intent_id);
        out.known_outcome = true;
        return out;
      }
    }
    SqlStatement others = d.prepare(
        "SELECT status, COALESCE(payment_intent_id, ''), created_at FROM charges "
        "WHERE clinic_id = ? AND invoice_id = ? AND command_id != ? AND status IN ('pending', 'processing', "
        "'succeeded')");
    others.bind(1, device.clinic_id).bind(2, charge.invoice_id).bind(3, charge.command_id);
    while (others.step() && !out.refusal) {
      const std::string status = others.column_text(0);
      bool busy = false;
      if (status == "pending") {
        busy = now - core::parse_utc_instant(others.column_text(2)).value_or(0) < kPendingChargeWindow;
      } else if (status == "processing") {
        busy = true;  // the bank has not said yet: a second payment could pay twice
      } else {
        std::optional<ServerEvent> seen = find_event(d, device.clinic_id, "payment_succeeded:" + others.column_text(1));
        busy = !seen || (by_log ? seen->log_seq == 0 || seen->log_seq > seen_up_to : seen->seq > seen_up_to);
      }
      if (busy)
        out.refusal = error_answer(409, "invoice_being_paid",
                                   "another card payment of this invoice is under way or not yet synchronised");
    }
    if (out.refusal) return out;
    std::optional<std::string> customer = find_customer(d, device.clinic_id, charge.patient_id);
    std::optional<CardRecord> card = latest_card(d, device.clinic_id, charge.patient_id);
    if (mine && !mine->payment_method_id.empty()) {
      card = CardRecord{};
      card->payment_method_id = mine->payment_method_id;  // the same parameters for the same key
    }
    if (!customer || !card) {
      out.refusal = error_answer(409, "no_saved_card", "this patient has no saved card");
      return out;
    }
    out.customer = *customer;
    out.card = *card;
    charge.payment_method_id = card->payment_method_id;
    insert_charge(d, charge, now);
    return out;
  });
  if (ready.known_outcome) return finish(ctx, device, charge.command_id, *ready.refusal);
  if (ready.refusal) return *ready.refusal;

  StripeResponse r = access.client->post("/v1/payment_intents",
                                      {{"amount", std::to_string(charge.amount)},
                                       {"currency", lower(charge.currency)},
                                       {"customer", ready.customer},
                                       {"payment_method", ready.card.payment_method_id},
                                       {"off_session", "true"},
                                       {"confirm", "true"},
                                       {"description", "Facture " + invoice_number},
                                       {"metadata[clinic_id]", device.clinic_id},
                                       {"metadata[invoice_id]", charge.invoice_id},
                                       {"metadata[invoice_number]", invoice_number},
                                       {"metadata[patient_id]", charge.patient_id},
                                       {"metadata[command_id]", charge.command_id},
                                       {"metadata[paid_on]", charge.paid_on},
                                       {"expand[]", "latest_charge.balance_transaction"}},
                                      "quittance-charge-" + charge.command_id);
  if (!r.answered()) return stripe_unreachable(r, "payment intent");

  // Stripe's outcome, recorded (with its event for the other devices) and answered.
  std::string status, code, decline_code;
  std::int64_t fee = 0;
  const Json& e = r.error();
  if (r.ok()) {
    charge.payment_intent_id = json_text(r.body, "id");
    status = json_text(r.body, "status");
    fee = stripe_fee(r.body);
    if (status != "succeeded" && status != "processing") {
      // requires_action and the like: off session, the bank wants the patient there.
      status = "failed";
      code = decline_code = "authentication_required";
    }
  } else if (r.status == 402 && json_text(e, "type") == "card_error") {
    status = "failed";
    code = json_text(e, "code");
    decline_code = json_text(e, "decline_code");
    if (decline_code.empty()) decline_code = code;
    charge.payment_intent_id = e.contains("payment_intent") ? json_text(e["payment_intent"], "id") : "";
    if (charge.payment_intent_id.empty()) charge.payment_intent_id = "unknown:" + charge.command_id;
  }
  if (!status.empty()) {
    ServerEvent event = ctx.db.with([&](Sql& d) {
      return record_charge_outcome(d, charge, status, fee, code, decline_code, ctx.now());
    });
    return finish(ctx, device, charge.command_id, charge_answer(event, charge.payment_intent_id));
  }
  if (definitive_refusal(r)) {
    ctx.db.with([&](Sql& d) {
      abandon_charge(d, device.clinic_id, charge.command_id, json_text(e, "code"), ctx.now());
    });
  }
  return stripe_error(r, "payment intent");
}

ApiAnswer refund_card_payment(PaymentsContext& ctx, const Device& device, const Json& body) {
  RequestFields f(body);
  const std::string command_id = f.text("command_id");
  const std::string payment_intent_id = f.text("payment_intent_id", 255);
  const std::int64_t amount = f.integer("amount", 1, kMaxAmount);
  const std::string reason = f.text("reason", 500);
  const std::string refunded_on = f.iso_date("refunded_on");
  if (!f.ok()) return invalid(f);
  if (auto refusal = refuse_command_id(command_id)) return *refusal;
  if (auto refusal = refuse_role(device, body, core::Permission::Refund)) return *refusal;
  // A refund is of a payment the clinic's account holds: allowed while the account is not
  // active (restricted), never once the clinic disconnected it.
  const ClinicStripe access = ctx.stripe->for_account(device.clinic_id);
  if (!access.client) return refused_by_access(access);
  const Json request = {
      {"payment_intent_id", payment_intent_id}, {"amount", amount}, {"reason", reason}, {"refunded_on", refunded_on}};
  if (auto replay = begin(ctx, device, command_id, "refunds", request)) return *replay;

  std::optional<ServerEvent> made = ctx.db.with([&](Sql& d) -> std::optional<ServerEvent> {
    std::optional<std::string> refund_id = find_refund_by_command(d, device.clinic_id, command_id);
    if (!refund_id) return std::nullopt;
    return find_event(d, device.clinic_id, "refund:" + *refund_id);
  });
  if (made)
    return finish(ctx, device, command_id,
                  {200,
                   {{"ok", true},
                    {"refund_id", made->data.value("refund_id", "")},
                    {"status", "succeeded"},
                    {"event", made->to_json()}}});
  std::optional<ChargeRecord> charge =
      ctx.db.with([&](Sql& d) { return find_charge_by_intent(d, payment_intent_id); });
  if (!charge || charge->clinic_id != device.clinic_id)
    return finish(ctx, device, command_id, error_answer(404, "unknown_payment", "no card payment with this id"));
  if (charge->status != "succeeded")
    return error_answer(409, "payment_not_settled", "only a succeeded card payment can be refunded");
  const std::int64_t refundable = charge->amount - charge->refunded;
  if (amount > refundable)
    return error_answer(409, "refund_exceeds_payment", "the refund is larger than what is left of the payment",
                        {{"refundable", refundable}});

  StripeResponse r = access.client->post("/v1/refunds",
                                      {{"payment_intent", payment_intent_id},
                                       {"amount", std::to_string(amount)},
                                       {"reason", "requested_by_customer"},
                                       {"metadata[clinic_id]", device.clinic_id},
                                       {"metadata[command_id]", command_id}},
                                      "quittance-refund-" + command_id);
  if (!r.answered()) return stripe_unreachable(r, "refund");
  if (r.ok()) {
    const std::string refund_id = json_text(r.body, "id");
    const std::string status = json_text(r.body, "status");
    if (status == "failed" || status == "canceled")
      return finish(ctx, device, command_id, error_answer(402, "refund_failed", "Stripe could not make the refund"));
    ServerEvent event = ctx.db.with([&](Sql& d) {
      return record_refund(d, *charge, refund_id, amount, command_id, refunded_on, reason, ctx.now());
    });
    return finish(ctx, device, command_id,
                  {200, {{"ok", true}, {"refund_id", refund_id}, {"status", status}, {"event", event.to_json()}}});
  }
  if (definitive_refusal(r) && r.status != 401) {
    const Json& e = r.error();
    return finish(
        ctx, device, command_id,
        error_answer(409, "stripe_refused", "Stripe refused the refund", {{"stripe_code", json_text(e, "code")}}));
  }
  return stripe_error(r, "refund");
}

}  // namespace quittance::server
