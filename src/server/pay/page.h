// The patient payment page's server side (docs/payment_requests.md), without its HTTP plumbing
// (pay/routes.h): a link's token is looked up (pay/links.h), the request read from the clinic's
// books (sync/snapshots.h, the query payment_request.view), and what the server knows that the books
// may not have yet is laid over it: a payment of the request that succeeded or is under way, a
// card saved. Paying makes a Stripe PaymentIntent (or a SetupIntent for a card request) for the
// amount the books compute, never one the page sends; Stripe's webhook (stripe/webhook.h) then
// tells the devices, through the usual server events, with the request's id.
//
// No device token: the token in the link is the only credential, so an unknown, malformed or
// other clinic's token gets the same 404 and nothing about any clinic.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/common.h"
#include "server/store/server_db.h"
#include "server/stripe/client.h"
#include "server/stripe/payments.h"
#include "server/sync/snapshots.h"

namespace quittance::server {

struct PayContext {
  SharedDatabase& db;
  SnapshotStore& books;
  std::shared_ptr<const StripeAccess> stripe;  // never null; configured() when STRIPE_SECRET_KEY is set
  Clock now;
  std::string publishable_key;  // STRIPE_PUBLISHABLE_KEY, given to the page
  std::string js_url;           // STRIPE_JS_URL
};

// GET /api/pay/TOKEN → 200 {ok, state, kind, practice, patient_name, note, currency, amount,
// fee, total, expires_at, save_card, invoices, appointment, stripe}; only {ok, state, kind,
// practice: {name, email}} when expired or cancelled. The first view of a payable request
// emits payment_request.update {request_id, state: "opened", at}, once.
ApiAnswer pay_view(PayContext& ctx, const std::string& token);

// POST /api/pay/TOKEN/intent {save_card?: bool} → 200 {ok, mode: "payment" | "setup",
// client_secret, amount, fee, total}; 409 already_paid / payment_processing, 410 link_expired /
// link_cancelled, 503 payments_unavailable, 502 stripe_unreachable / stripe_error.
ApiAnswer pay_intent(PayContext& ctx, const std::string& token, const Json& body);

// GET /api/pay/TOKEN/invoices/INVOICE_ID/pdf: the invoice of a paid request, with its online
// payment on it even before the books have it; 404 otherwise.
struct PdfAnswer {
  int status = 200;
  std::vector<unsigned char> bytes;  // when 200
  std::string file_name;             // "F-2026-A-000042.pdf"
  Json error;                        // the JSON error body otherwise
};
PdfAnswer pay_invoice_pdf(PayContext& ctx, const std::string& token, const std::string& invoice_id);

}  // namespace quittance::server
