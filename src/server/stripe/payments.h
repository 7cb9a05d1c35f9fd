// Card payments through Stripe, asked for by the clinic's devices: save a patient's card
// (a SetupIntent for off-session use), charge the saved card for an invoice's amount due (a
// PaymentIntent confirmed off-session), refund a card payment. No card number passes here:
// the patient gives the card to Stripe (Stripe.js on the payment page); we keep Stripe's ids
// and the card's brand and last four digits.
//
// Each function is one API route without its HTTP plumbing (stripe/card_routes.cpp): it takes
// the calling device and the JSON body and gives the status and JSON answer. Every request
// carries the app's command id: it names the request for replays (store/idempotency.h) and, with
// a prefix, is the Idempotency-Key sent to Stripe, so no retry ever charges twice.
// Outcomes also become server events (sync/server_events.h), for the clinic's other devices.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "server/common.h"
#include "server/devices/devices.h"
#include "server/store/server_db.h"
#include "server/stripe/accounts.h"
#include "server/stripe/client.h"

namespace quittance::server {

struct PaymentsContext {
  SharedDatabase& db;
  std::shared_ptr<const StripeAccess> stripe;  // never null; configured() when STRIPE_SECRET_KEY is set
  Clock now;
  // The clinic's time zone (its books' « practice.time_zone »), which dates what Stripe alone
  // saw; unset or "" reads as the default zone. Must not be called holding `db`.
  std::function<std::string(const std::string& clinic_id)> practice_zone;
};

struct ApiAnswer {
  int status;
  Json body;
};

// POST /api/cards/setup {command_id, role, patient_id, patient_name, email?}
//   → 201 {setup_intent_id, client_secret, status}: the patient then gives the card to Stripe.
ApiAnswer setup_card(PaymentsContext& ctx, const Device& device, const Json& body);

// GET /api/cards?patient_id=... → 200 {cards: [{brand, last4, exp_month, exp_year, saved_at}]}
ApiAnswer list_cards(PaymentsContext& ctx, const Device& device, const std::string& patient_id);

// POST /api/charges {command_id, role, patient_id, invoice_id, invoice_number, amount,
//                    amount_due, currency, paid_on, log_after}
//   → 200 succeeded / 202 processing, with the event; 402 card_declined or
//     authentication_required, with decline_code and the event; 4xx refusals; 502 when
//     Stripe could not be reached (retry with the same command id).
ApiAnswer charge_saved_card(PaymentsContext& ctx, const Device& device, const Json& body);

// POST /api/refunds {command_id, role, payment_intent_id, amount, reason, refunded_on}
//   → 200 {refund_id, status, event}
ApiAnswer refund_card_payment(PaymentsContext& ctx, const Device& device, const Json& body);

// The fee Stripe took, from a PaymentIntent whose latest_charge.balance_transaction was
// expanded; 0 when it was not.
std::int64_t stripe_fee(const Json& payment_intent);

}  // namespace quittance::server
