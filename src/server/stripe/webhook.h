// Applying Stripe's verified webhook events to the server's record of card payments, so that
// what happened in Stripe reaches the clinic's devices as server events even when the app's
// own request never got its answer (a network cut) or never existed (a refund made in
// Stripe's dashboard, a patient paying on a payment request's page: pay/page.h). Applying
// is idempotent: an event already seen, or a fact already recorded from an API answer, changes
// nothing.
//
//   payment_intent.succeeded        the charge succeeded, with Stripe's fee (fetched); a payment
//                                   page's, with the patient's consent, also keeps the card
//   payment_intent.processing       not paid yet (a bank debit under way)
//   payment_intent.payment_failed   declined, with the decline code
//   charge.refunded, refund.created, refund.updated   a refund, once per refund id
//   setup_intent.succeeded          a card saved for later, with brand and last four (fetched),
//                                   and the card request it was saved for, if any
//   payment_method.detached         a card removed in Stripe: no longer offered nor charged
// Any other type is kept and acknowledged.
#pragma once
#include <string>

#include "server/stripe/payments.h"

namespace quittance::server {

// The answer for a verified event: 200 when applied (or already applied, "duplicate": true);
// 503 when a fetch from Stripe failed, so that Stripe delivers it again later.
ApiAnswer apply_stripe_event(PaymentsContext& ctx, const Json& event, const std::string& raw_body);

}  // namespace quittance::server
