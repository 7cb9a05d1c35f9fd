// The server's word on one email (event "message.update"), recorded by server_event.apply.
#pragma once
#include "app/registry.h"

namespace quittance::app {

// data: {message_id, invoice_id, patient_id, template_id, template_name, recipient, due_at,
// state, sent_at?, error?, attempts}. Inserts or replaces this device's copy.
Json record_message_update(Context& ctx, const Json& data);

}  // namespace quittance::app
