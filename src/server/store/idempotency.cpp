// Idempotent payment routes. See store/idempotency.h.
#include "server/store/idempotency.h"

#include "core/schedule.h"
#include "server/devices/devices.h"

namespace quittance::server {

RequestCheck begin_request(store::Database& db, const std::string& clinic_id, const std::string& command_id,
                           const std::string& route, const nlohmann::json& request, std::int64_t now) {
  const std::string canonical = request.dump();
  store::Statement s =
      db.prepare("SELECT route, request, status, answer FROM api_requests WHERE clinic_id = ? AND command_id = ?");
  s.bind(1, clinic_id).bind(2, command_id);
  if (!s.step()) {
    db.prepare("INSERT INTO api_requests(clinic_id, command_id, route, request, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(1, clinic_id)
        .bind(2, command_id)
        .bind(3, route)
        .bind(4, canonical)
        .bind(5, core::format_utc_instant(now))
        .step();
    return {RequestState::fresh, std::nullopt};
  }
  if (s.column_text(0) != route || s.column_text(1) != canonical) return {RequestState::conflicting, std::nullopt};
  if (s.column_is_null(2)) return {RequestState::unfinished, std::nullopt};
  return {RequestState::finished,
          StoredAnswer{static_cast<int>(s.column_int64(2)), nlohmann::json::parse(s.column_text(3))}};
}

void finish_request(store::Database& db, const std::string& clinic_id, const std::string& command_id,
                    const StoredAnswer& answer) {
  db.prepare("UPDATE api_requests SET status = ?, answer = ? WHERE clinic_id = ? AND command_id = ?")
      .bind(1, static_cast<std::int64_t>(answer.status))
      .bind(2, answer.body.dump())
      .bind(3, clinic_id)
      .bind(4, command_id)
      .step();
}

std::optional<nlohmann::json> find_request(store::Database& db, const std::string& clinic_id,
                                           const std::string& command_id) {
  store::Statement s = db.prepare("SELECT request FROM api_requests WHERE clinic_id = ? AND command_id = ?");
  s.bind(1, clinic_id).bind(2, command_id);
  if (!s.step()) return std::nullopt;
  return nlohmann::json::parse(s.column_text(0));
}

}  // namespace quittance::server
