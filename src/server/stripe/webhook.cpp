// Stripe webhook events applied. See stripe/webhook.h.
#include "server/stripe/webhook.h"

#include <iostream>
#include <optional>

#include "core/schedule.h"
#include "server/devices/devices.h"
#include "server/http/json_lenient.h"
#include "server/store/idempotency.h"
#include "server/stripe/accounts.h"
#include "server/stripe/events.h"
#include "server/stripe/records.h"
#include "zone/local_time.h"

namespace quittance::server {

namespace {

using lenient::integer;
using lenient::text;

// "2026-11-21" for a Unix time, on the practice's calendar: the date of a payment that no device
// dated (a card paid at 00:30 on 1 January in Paris belongs to the new year's books).
std::string practice_date(PaymentsContext& ctx, const std::string& clinic_id, std::int64_t unix_seconds) {
  const std::string zone = ctx.practice_zone ? ctx.practice_zone(clinic_id) : "";
  return core::format_iso(zone::local_date(unix_seconds, zone));
}

bool clinic_exists(Sql& d, const std::string& clinic_id) {
  SqlStatement s = d.prepare("SELECT 1 FROM clinics WHERE id = ?");
  s.bind(1, clinic_id);
  return s.step();
}

// A fetch from Stripe failed for now: Stripe will deliver the event again.
struct Retry {};

// Stripe's answer to a fetch, or Retry when it may come later. A definitive refusal (a
// deleted object, a key without the permission) is logged and the event acknowledged, so
// that Stripe does not redeliver it for three days in vain.
// The clinic an event is for, and the client that reads that clinic's account (none when card
// payments are off here, or the account can no longer be reached).
struct Scope {
  std::string clinic_id;  // "" in single mode: any clinic of ours (there is one)
  std::optional<StripeClient> client;
  bool allows(const std::string& clinic) const { return clinic_id.empty() || clinic == clinic_id; }
};

std::optional<Json> fetch(const Scope& scope, const std::string& path, const FormParams& query = {}) {
  if (!scope.client) return std::nullopt;
  StripeResponse r = scope.client->get(path, query);
  if (r.ok()) return r.body;
  if (!r.answered() || r.status >= 500 || r.status == 429) throw Retry{};
  std::cerr << "quittance-server: Stripe refused a webhook fetch: HTTP " << r.status << '\n';
  return std::nullopt;
}

// The charge a payment intent stands for: by intent id, by the app's command id (the webhook
// may overtake the API answer), or made from its metadata (a payment begun elsewhere).
// nullopt for an intent of no clinic of ours.
std::optional<ChargeRecord> charge_for_intent(PaymentsContext& ctx, const Scope& scope, const Json& pi) {
  const std::string id = text(pi, "id");
  const Json metadata = pi.value("metadata", Json::object());
  const std::string clinic_id = text(metadata, "clinic_id");
  // A payment begun elsewhere that the app did not date is dated on the clinic's calendar: its
  // zone is read from the books, whose copy takes the server's database to catch up, so before
  // taking it here — and only for a clinic of ours with no record of that payment yet.
  std::string paid_on = text(metadata, "paid_on");
  if (paid_on.empty() && !clinic_id.empty() && scope.allows(clinic_id) && ctx.db.with([&](Sql& d) {
        return clinic_exists(d, clinic_id) && !find_charge_by_intent(d, id) &&
               !find_charge_by_command(d, clinic_id, text(metadata, "command_id"));
      })) {
    paid_on = practice_date(ctx, clinic_id, integer(pi, "created"));
  }
  return ctx.db.with([&](Sql& d) -> std::optional<ChargeRecord> {
    if (auto c = find_charge_by_intent(d, id)) {
      if (scope.allows(c->clinic_id)) return c;
      std::cerr << "quittance-server: a Stripe event for another clinic's payment was not applied\n";
      return std::nullopt;
    }
    if (clinic_id.empty() || !scope.allows(clinic_id) || !clinic_exists(d, clinic_id)) return std::nullopt;
    if (auto c = find_charge_by_command(d, clinic_id, text(metadata, "command_id"))) {
      c->payment_intent_id = id;
      return c;
    }
    ChargeRecord c;
    c.clinic_id = clinic_id;
    c.payment_intent_id = id;
    c.invoice_id = text(metadata, "invoice_id");
    c.patient_id = text(metadata, "patient_id");
    c.amount = integer(pi, "amount");
    c.currency = text(pi, "currency");
    for (char& ch : c.currency) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    // Dated above; if a record appeared and went meanwhile, in the default zone (no books read
    // while this lock is held).
    c.paid_on = !paid_on.empty() ? paid_on : core::format_iso(zone::local_date(integer(pi, "created"), ""));
    // A payment page's intent whose record was lost (a crash between Stripe's answer and ours):
    // its metadata still names the request and the fee passed on.
    c.request_id = text(metadata, "request_id");
    if (const std::string surcharge = text(metadata, "surcharge");
        !surcharge.empty() && surcharge.size() < 10 && surcharge.find_first_not_of("0123456789") == std::string::npos)
      c.surcharge = std::stoll(surcharge);
    if (c.amount <= 0 || c.surcharge >= c.amount) return std::nullopt;
    insert_charge(d, c, ctx.now());
    return c;
  });
}

// The card a request's payment kept for later (its intent had setup_future_usage), fetched
// from Stripe; nullopt when none was kept or it cannot be read for good.
std::optional<CardRecord> card_kept(const Scope& scope, const ChargeRecord& charge, const Json& pi) {
  if (charge.request_id.empty() || text(pi, "setup_future_usage") != "off_session") return std::nullopt;
  std::string payment_method = text(pi, "payment_method");
  if (payment_method.empty() && pi.contains("payment_method")) payment_method = text(pi["payment_method"], "id");
  if (payment_method.empty()) return std::nullopt;
  std::optional<Json> method = fetch(scope, "/v1/payment_methods/" + payment_method);
  if (!method) return std::nullopt;
  const Json card = method->value("card", Json::object());
  return CardRecord{payment_method, text(card, "brand"), text(card, "last4"), integer(card, "exp_month"),
                    integer(card, "exp_year")};
}

void apply_payment_intent(PaymentsContext& ctx, const Scope& scope, const std::string& type, const Json& pi) {
  std::optional<ChargeRecord> charge = charge_for_intent(ctx, scope, pi);
  if (!charge) return;
  if (type == "payment_intent.succeeded") {
    std::int64_t fee = 0;
    std::optional<Json> full = fetch(scope, "/v1/payment_intents/" + charge->payment_intent_id,
                                     {{"expand[]", "latest_charge.balance_transaction"}});
    if (full) fee = stripe_fee(*full);
    // Paid on a request's page: dated the day the money came, not the day the page asked.
    if (!charge->request_id.empty()) charge->paid_on = practice_date(ctx, charge->clinic_id, ctx.now());
    // The patient agreed to keep the card (setup_future_usage): Stripe attached it to their
    // customer; it is saved like a card set up from the app, after the payment's event.
    std::optional<CardRecord> kept = card_kept(scope, *charge, pi);
    ctx.db.with([&](Sql& d) {
      record_charge_outcome(d, *charge, "succeeded", fee, "", "", ctx.now());
      if (kept) record_saved_card(d, charge->clinic_id, charge->patient_id, *kept, ctx.now());
    });
  } else if (type == "payment_intent.processing") {
    ctx.db.with([&](Sql& d) { record_charge_outcome(d, *charge, "processing", 0, "", "", ctx.now()); });
  } else {
    const Json error = pi.value("last_payment_error", Json::object());
    std::string decline_code = text(error, "decline_code");
    if (decline_code.empty()) decline_code = text(error, "code");
    ctx.db.with([&](Sql& d) {
      record_charge_outcome(d, *charge, "failed", 0, text(error, "code"), decline_code, ctx.now());
    });
  }
}

void apply_refund(PaymentsContext& ctx, const Scope& scope, const Json& refund) {
  const std::string status = text(refund, "status");
  if (status != "succeeded" && status != "pending") return;
  const std::string refund_id = text(refund, "id");
  const std::int64_t amount = integer(refund, "amount");
  if (refund_id.empty() || amount <= 0) return;
  const std::optional<ChargeRecord> charge =
      ctx.db.with([&](Sql& d) { return find_charge_by_intent(d, text(refund, "payment_intent")); });
  if (!charge || !scope.allows(charge->clinic_id)) return;
  const std::string created_on = practice_date(ctx, charge->clinic_id, integer(refund, "created"));
  ctx.db.with([&](Sql& d) {
    // A refund the app asked for keeps the app's reason and date, even when its webhook
    // arrives before the API's answer.
    const std::string command_id = text(refund.value("metadata", Json::object()), "command_id");
    std::string reason = "Remboursement fait dans Stripe";
    std::string refunded_on = created_on;
    if (!command_id.empty()) {
      if (std::optional<Json> asked = find_request(d, charge->clinic_id, command_id)) {
        reason = asked->value("reason", reason);
        refunded_on = asked->value("refunded_on", refunded_on);
      }
    }
    record_refund(d, *charge, refund_id, amount, command_id, refunded_on, reason, ctx.now());
  });
}

void apply_setup_intent(PaymentsContext& ctx, const Scope& scope, const Json& seti) {
  const std::string payment_method = text(seti, "payment_method");
  if (payment_method.empty()) return;
  std::optional<CardSetup> setup =
      ctx.db.with([&](Sql& d) { return find_card_setup(d, text(seti, "id")); });
  if (!setup || !scope.allows(setup->clinic_id)) return;  // not one of ours, or another clinic's
  std::optional<Json> method = fetch(scope, "/v1/payment_methods/" + payment_method);
  if (!method) return;
  const Json card = method->value("card", Json::object());
  CardRecord record{payment_method, text(card, "brand"), text(card, "last4"), integer(card, "exp_month"),
                    integer(card, "exp_year")};
  ctx.db.with([&](Sql& d) {
    d.transaction([&] {
      // A card request's set-up (pay/page.h): the event names the request, now done.
      record_saved_card(d, setup->clinic_id, setup->patient_id, record, ctx.now(), setup->request_id);
      mark_card_setup_done(d, text(seti, "id"), payment_method);
    });
  });
}

// A connected account's own events: its state (fetched: the event's copy may be older than
// one applied already, deliveries come in any order), or its disconnection.
void apply_account_event(PaymentsContext& ctx, const std::string& type, const std::string& account_id) {
  std::optional<ConnectedAccount> account =
      ctx.db.with([&](Sql& d) { return find_account(d, account_id); });
  if (!account || account->deauthorized || !ctx.stripe->platform()) return;
  if (type == "account.updated") {
    StripeResponse r = ctx.stripe->platform()->get("/v1/accounts/" + account_id);
    if (!r.answered() || r.status >= 500 || r.status == 429) throw Retry{};
    if (!r.ok()) return;  // gone or no longer ours: the deauthorization event says so
    ctx.db.with([&](Sql& d) { update_account(d, r.body, ctx.now()); });
  } else if (type == "account.application.deauthorized") {
    ctx.db.with([&](Sql& d) {
      d.transaction([&] {
        deauthorize_account(d, account_id, ctx.now());
        forget_clinic_cards(d, account->clinic_id, ctx.now());
      });
    });
  }
}

// The scope an event applies in, or nullopt when it applies nowhere (logged).
std::optional<Scope> scope_of(PaymentsContext& ctx, WebhookEndpoint endpoint, const Json& event) {
  const std::string type = text(event, "type");
  if (endpoint == WebhookEndpoint::account) {
    if (ctx.stripe->mode() == StripeMode::platform) {
      std::cerr << "quittance-server: Stripe event " << type
                << " of the platform's own account acknowledged, not applied (clinics are paid on their accounts)\n";
      return std::nullopt;
    }
    // Single mode: the key's account is the first clinic's, and its events are that clinic's only.
    Scope scope;
    scope.clinic_id = ctx.stripe->single_mode_clinic();
    scope.client = ctx.stripe->for_account(scope.clinic_id).client;
    return scope;
  }
  const std::string account_id = text(event, "account");
  std::optional<ConnectedAccount> account =
      ctx.db.with([&](Sql& d) { return find_account(d, account_id); });
  if (!account) {
    std::cerr << "quittance-server: Stripe event " << type << " of an account of no clinic here ("
              << (valid_account_id(account_id) ? account_id : std::string("no account")) << ") acknowledged, not applied\n";
    return std::nullopt;
  }
  Scope scope;
  scope.clinic_id = account->clinic_id;
  scope.client = ctx.stripe->for_account(account->clinic_id).client;
  return scope;
}

void record_applied(PaymentsContext& ctx, const std::string& id, const std::string& type, const std::string& raw_body) {
  ctx.db.with([&](Sql& d) {
    d.transaction([&] {
      record_stripe_event(d, id, type, raw_body, ctx.now());
      d.prepare("UPDATE stripe_events SET applied = 1 WHERE id = ?").bind(1, id).step();
    });
  });
}

}  // namespace

ApiAnswer apply_stripe_event(PaymentsContext& ctx, const Json& event, const std::string& raw_body,
                             WebhookEndpoint endpoint) {
  const std::string id = text(event, "id");
  const std::string type = text(event, "type");
  const bool applied = ctx.db.with([&](Sql& d) {
    SqlStatement s = d.prepare("SELECT applied FROM stripe_events WHERE id = ?");
    s.bind(1, id);
    return s.step() && s.column_int64(0) == 1;
  });
  if (applied) return {200, {{"ok", true}, {"event_id", id}, {"duplicate", true}}};

  const Json object = event.contains("data") && event["data"].is_object()
                          ? event["data"].value("object", Json::object())
                          : Json::object();
  // A connected account's own events carry the practice's identity and bank details: kept
  // without them (the server fetches the account anyway); the rest as received.
  const std::string kept = type.rfind("account.", 0) == 0
                               ? Json{{"id", id}, {"type", type}, {"account", text(event, "account")},
                                      {"created", integer(event, "created")}, {"redacted", true}}
                                     .dump()
                               : raw_body;
  std::optional<Scope> scope = scope_of(ctx, endpoint, event);
  if (!scope) {
    record_applied(ctx, id, type, kept);
    return {200, {{"ok", true}, {"event_id", id}, {"duplicate", false}, {"applied", false}}};
  }
  try {
    if (type == "payment_intent.succeeded" || type == "payment_intent.processing" ||
        type == "payment_intent.payment_failed") {
      apply_payment_intent(ctx, *scope, type, object);
    } else if (type == "refund.created" || type == "refund.updated") {
      apply_refund(ctx, *scope, object);
    } else if (type == "charge.refunded") {
      // Older API versions embed the refunds; newer ones send refund.created for each.
      const Json refunds = object.value("refunds", Json::object()).value("data", Json::array());
      for (const Json& refund : refunds) apply_refund(ctx, *scope, refund);
    } else if (type == "setup_intent.succeeded") {
      apply_setup_intent(ctx, *scope, object);
    } else if (type == "payment_method.detached") {
      ctx.db.with(
          [&](Sql& d) { record_detached_card(d, text(object, "id"), ctx.now(), scope->clinic_id); });
    } else if (endpoint == WebhookEndpoint::connect &&
               (type == "account.updated" || type == "account.application.deauthorized")) {
      apply_account_event(ctx, type, text(event, "account"));
    }
  } catch (const Retry&) {
    std::cerr << "quittance-server: Stripe event " << type << " left for redelivery: Stripe could not be read\n";
    return {503, api_error("stripe_unreachable", "Stripe could not be reached; deliver this event again")};
  }
  record_applied(ctx, id, type, kept);
  return {200, {{"ok", true}, {"event_id", id}, {"duplicate", false}}};
}

}  // namespace quittance::server
