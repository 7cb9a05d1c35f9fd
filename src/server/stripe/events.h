// Stripe events received by the webhook, kept in the server database (stripe_events, from
// migration 2) exactly as Stripe signed them. Stripe delivers "at least once": the same event
// comes again after a timeout or a retry, so an event is stored under its id once and a
// redelivery changes nothing.
//
// Applying an event (stripe/webhook.h) happens before it is stored with applied = 1, so an
// event whose application failed (Stripe unreachable for a fetch) is not marked and comes again.
#pragma once
#include <cstdint>
#include <string>

#include "server/store/sql.h"

namespace quittance::server {

// Stores the event unless one with this id is already there. True when it was new.
// `payload` is the raw, verified body. Throws store::StoreError on database failure.
bool record_stripe_event(Sql& db, const std::string& id, const std::string& type,
                         const std::string& payload, std::int64_t now);

}  // namespace quittance::server
