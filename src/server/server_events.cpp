// Server events. See server_events.h.
#include "server/server_events.h"

#include "server/devices.h"

namespace quittance::server {

namespace {

ServerEvent read_event(store::Statement& s) {
  ServerEvent e;
  e.seq = s.column_int64(0);
  e.kind = s.column_text(1);
  e.data = nlohmann::json::parse(s.column_text(2));
  e.at = s.column_text(3);
  return e;
}

}  // namespace

nlohmann::json ServerEvent::to_json() const { return {{"seq", seq}, {"kind", kind}, {"at", at}, {"data", data}}; }

ServerEvent emit_event(store::Database& db, const std::string& clinic_id, const std::string& key,
                       const std::string& kind, const nlohmann::json& data, std::int64_t now) {
  db.prepare(
        "INSERT INTO server_events(clinic_id, key, kind, body, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(clinic_id, key) DO NOTHING")
      .bind(1, clinic_id)
      .bind(2, key)
      .bind(3, kind)
      .bind(4, data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))  // never throws on bad UTF-8
      .bind(5, format_utc(now))
      .step();
  return *find_event(db, clinic_id, key);
}

std::optional<ServerEvent> find_event(store::Database& db, const std::string& clinic_id, const std::string& key) {
  store::Statement s =
      db.prepare("SELECT seq, kind, body, created_at FROM server_events WHERE clinic_id = ? AND key = ?");
  s.bind(1, clinic_id).bind(2, key);
  if (!s.step()) return std::nullopt;
  return read_event(s);
}

std::vector<ServerEvent> events_after(store::Database& db, const std::string& clinic_id, std::int64_t after,
                                      int limit) {
  store::Statement s = db.prepare(
      "SELECT seq, kind, body, created_at FROM server_events WHERE clinic_id = ? AND seq > ? ORDER BY seq LIMIT ?");
  s.bind(1, clinic_id).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
  std::vector<ServerEvent> out;
  while (s.step()) out.push_back(read_event(s));
  return out;
}

}  // namespace quittance::server
