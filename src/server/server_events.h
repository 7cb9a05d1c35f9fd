// Facts born on the server that a clinic's devices must learn: a card payment succeeded or
// failed, a refund went through, a card was saved. Each is an event once, under a key naming
// the fact ("payment_succeeded:pi_..."), whether it was first seen in an API answer or in a
// Stripe webhook; devices pull them in seq order (GET /api/events) and apply each once.
// The Sync issue will carry them in the operation log; this table is where they are born.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace quittance::server {

struct ServerEvent {
  std::int64_t seq = 0;
  std::string kind;                // "payment.succeeded", "payment.failed", "payment.processing",
                                   // "refund.succeeded", "card.saved"
  nlohmann::json data;             // the fact, as the app needs it to record it
  std::string at;                  // UTC
  nlohmann::json to_json() const;  // {"seq", "kind", "at", "data"}
};

// The event under `key`, created now if it was not there. Run inside the transaction that
// records the fact itself.
ServerEvent emit_event(store::Database& db, const std::string& clinic_id, const std::string& key,
                       const std::string& kind, const nlohmann::json& data, std::int64_t now);

std::optional<ServerEvent> find_event(store::Database& db, const std::string& clinic_id, const std::string& key);

// Up to `limit` events of the clinic after `after`, oldest first.
std::vector<ServerEvent> events_after(store::Database& db, const std::string& clinic_id, std::int64_t after, int limit);

}  // namespace quittance::server
