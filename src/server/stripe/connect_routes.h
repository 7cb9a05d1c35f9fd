// Online payments activated from the app (platform mode, docs/stripe.md):
//   GET  /api/stripe/account          the clinic's account: its state and what Stripe asks for
//   POST /api/stripe/account/link     owner only: makes the clinic's connected account the
//                                     first time, then a link to Stripe's onboarding form
//   POST /api/stripe/account/refresh  owner only: what Stripe says of the account now (on return)
//   GET  /stripe/onboarding/return    where Stripe sends the practitioner back: to the app
//   GET  /stripe/onboarding/refresh   where Stripe sends an expired link: to the app, which asks
//                                     for another
// The two pages change nothing and carry nothing: whoever opens them only reaches the app,
// where a paired owner's device does the rest. The link is only ever given to that device.
#pragma once
#include <httplib.h>

#include <memory>

#include "server/config.h"
#include "server/stripe/accounts.h"

namespace quittance::server {

struct ConnectContext {
  SharedDatabase& db;
  std::shared_ptr<const StripeAccess> stripe;
  Clock now;
  std::shared_ptr<const ServerConfig> config;
};

void install_connect_routes(httplib::Server& server, ConnectContext ctx);

// whoami's {mode: "none" | "single" | "platform", state}: what the app says of online payments
// without asking more.
Json online_payments_summary(SharedDatabase& db, const StripeAccess& stripe, const std::string& clinic_id);

}  // namespace quittance::server
