// Stripe events, stored once. See stripe/events.h.
#include "server/stripe/events.h"

#include "core/schedule.h"
#include "server/devices/devices.h"

namespace quittance::server {

bool record_stripe_event(Sql& db, const std::string& id, const std::string& type,
                         const std::string& payload, std::int64_t now) {
  const std::int64_t before = db.total_changes();
  // DO NOTHING, not REPLACE: the first copy stays, with its received_at.
  db.prepare(
        "INSERT INTO stripe_events(id, type, received_at, payload) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(id) DO NOTHING")
      .bind(1, id)
      .bind(2, type)
      .bind(3, core::format_utc_instant(now))
      .bind(4, payload)
      .step();
  return db.total_changes() != before;
}

}  // namespace quittance::server
