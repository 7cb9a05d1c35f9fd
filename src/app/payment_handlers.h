// The payment, refund and credit-note handlers, shared with server_event_commands.cpp (a card
// payment or a refund made through Stripe is recorded by the very same code as one typed at the
// desk, with the arguments the server's event gives) and with the appointments (a cancelled
// booking's part not due is credited as at the desk).
#pragma once
#include "app/registry.h"

namespace quittance::app {

Json payment_create(Context& ctx);  // payment.create
Json refund_create(Context& ctx);   // refund.create
Json credit_note_create(Context& ctx);  // credit_note.create
Json credit_note_apply(Context& ctx);   // credit_note.apply

}  // namespace quittance::app
