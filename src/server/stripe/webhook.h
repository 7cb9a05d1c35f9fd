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
//   account.updated                 a clinic's connected account changed (stripe/accounts.h)
//   account.application.deauthorized   the clinic disconnected Quittance: card features off,
//                                   its saved cards removed
// Any other type is kept and acknowledged.
//
// Where an event comes from decides what it may touch. On the Connect endpoint, an event
// belongs to the connected account it names (`account`), so to exactly one clinic: it is
// applied to that clinic's records only, and an event of an account we do not know is
// acknowledged and logged, never applied. In platform mode the platform's own account holds
// no clinic's payments, so its endpoint's events are acknowledged and not applied. In single
// mode the one account's events apply as they always did.
#pragma once
#include <string>

#include "server/stripe/payments.h"

namespace quittance::server {

// The answer for a verified event: 200 when applied (or already applied, "duplicate": true);
// 503 when a fetch from Stripe failed, so that Stripe delivers it again later.
enum class WebhookEndpoint { account, connect };
ApiAnswer apply_stripe_event(PaymentsContext& ctx, const Json& event, const std::string& raw_body,
                             WebhookEndpoint endpoint = WebhookEndpoint::account);

}  // namespace quittance::server
