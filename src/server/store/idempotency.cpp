// Idempotent payment routes. See store/idempotency.h.
#include "server/store/idempotency.h"

#include "core/schedule.h"
#include "server/devices/devices.h"

namespace quittance::server {

RequestCheck begin_request(Sql& db, const std::string& clinic_id, const std::string& command_id,
                           const std::string& route, const nlohmann::json& request, std::int64_t now) {
  const std::string canonical = request.dump();
  // Recorded first, and read only when already there: with several server processes, two
  // deliveries of the same request cannot both find nothing and both insert.
  const std::int64_t before = db.total_changes();
  db.prepare(
        "INSERT INTO api_requests(clinic_id, command_id, route, request, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(clinic_id, command_id) DO NOTHING")
      .bind(1, clinic_id)
      .bind(2, command_id)
      .bind(3, route)
      .bind(4, canonical)
      .bind(5, core::format_utc_instant(now))
      .step();
  if (db.total_changes() != before) return {RequestState::fresh, std::nullopt};
  SqlStatement s =
      db.prepare("SELECT route, request, status, answer FROM api_requests WHERE clinic_id = ? AND command_id = ?");
  s.bind(1, clinic_id).bind(2, command_id);
  if (!s.step()) return {RequestState::unfinished, std::nullopt};  // cannot happen: rows are never deleted
  if (s.column_text(0) != route || s.column_text(1) != canonical) return {RequestState::conflicting, std::nullopt};
  if (s.column_is_null(2)) return {RequestState::unfinished, std::nullopt};
  return {RequestState::finished,
          StoredAnswer{static_cast<int>(s.column_int64(2)), nlohmann::json::parse(s.column_text(3))}};
}

void finish_request(Sql& db, const std::string& clinic_id, const std::string& command_id,
                    const StoredAnswer& answer) {
  db.prepare("UPDATE api_requests SET status = ?, answer = ? WHERE clinic_id = ? AND command_id = ?")
      .bind(1, static_cast<std::int64_t>(answer.status))
      .bind(2, answer.body.dump())
      .bind(3, clinic_id)
      .bind(4, command_id)
      .step();
}

std::optional<nlohmann::json> find_request(Sql& db, const std::string& clinic_id,
                                           const std::string& command_id) {
  SqlStatement s = db.prepare("SELECT request FROM api_requests WHERE clinic_id = ? AND command_id = ?");
  s.bind(1, clinic_id).bind(2, command_id);
  if (!s.step()) return std::nullopt;
  return nlohmann::json::parse(s.column_text(0));
}

}  // namespace quittance::server
