// Facts born on the server that a clinic's devices must learn: a card payment succeeded or
// failed, a refund went through, a card was saved, an email was sent, a payment page opened.
// Each is an event once, under a key naming the fact ("payment_succeeded:pi_..."), whether it
// was first seen in an API answer or in a Stripe webhook, and the server writes it into the
// clinic's operation log itself, in the same transaction, as the operation
// `server_event.apply` under the id "srv-<clinic>-<seq>" (docs/sync.md, « Server facts »):
// devices learn it by pulling the log like any other operation. GET /api/events still lists
// the events for devices older than that (to be removed, docs/api.md).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/store/sql.h"

namespace quittance::server {

struct ServerEvent {
  std::int64_t seq = 0;
  std::string kind;                // "payment.succeeded", "payment.failed", "payment.processing",
                                   // "refund.succeeded", "card.saved"
  nlohmann::json data;             // the fact, as the app needs it to record it
  std::string at;                  // UTC
  std::int64_t log_seq = 0;        // its operation's place in the clinic's log
  nlohmann::json to_json() const;  // {"seq", "kind", "at", "data"}
};

// The event under `key`, created now if it was not there, and its operation in the clinic's
// log. Run inside the transaction that records the fact itself.
ServerEvent emit_event(Sql& db, const std::string& clinic_id, const std::string& key,
                       const std::string& kind, const nlohmann::json& data, std::int64_t now);

// The operation id of event `seq` of the clinic: the same on every device and in the log.
std::string fact_op_id(const std::string& clinic_id, std::int64_t seq);

// Writes into the clinics' logs the events that are not there yet (events born before the
// server wrote them itself, when each device pushed them). Run at start-up; returns how many.
std::int64_t carry_events_into_logs(Sql& db);

std::optional<ServerEvent> find_event(Sql& db, const std::string& clinic_id, const std::string& key);

// Up to `limit` events of the clinic after `after`, oldest first.
std::vector<ServerEvent> events_after(Sql& db, const std::string& clinic_id, std::int64_t after, int limit);

}  // namespace quittance::server
