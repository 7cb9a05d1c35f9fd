// The payment and refund handlers, shared with server_event_commands.cpp: a card payment or a
// refund made through Stripe is recorded by the very same code as one typed at the desk, with
// the arguments the server's event gives.
#pragma once
#include "app/registry.h"

namespace quittance::app {

Json payment_create(Context& ctx);  // payment.create
Json refund_create(Context& ctx);   // refund.create

}  // namespace quittance::app
