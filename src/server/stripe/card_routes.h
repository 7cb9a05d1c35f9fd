// The card payment routes and the event pull (docs/api.md):
//   POST /api/cards/setup     save a patient's card for later (a SetupIntent)
//   GET  /api/cards           a patient's saved cards (brand, last four, expiry)
//   POST /api/charges         charge the saved card for an invoice's amount due
//   POST /api/refunds         refund a card payment, fully or in part
//   GET  /api/events          what happened on the server since the device's last pull
// The logic is in stripe/payments.h; this file reads requests and writes answers.
#pragma once
#include <httplib.h>

#include <memory>

#include "server/stripe/payments.h"

namespace quittance::server {

void install_payment_routes(httplib::Server& server, std::shared_ptr<PaymentsContext> ctx);

}  // namespace quittance::server
