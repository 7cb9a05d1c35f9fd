// Server events. See sync/server_events.h.
#include "server/sync/server_events.h"

#include "app/commands.h"
#include "core/schedule.h"
#include "server/devices/devices.h"
#include "server/sync/op_log.h"

namespace quittance::server {

namespace {

constexpr const char* kEventColumns = "seq, kind, body, created_at, clinic_id";

ServerEvent read_event(SqlStatement& s) {
  ServerEvent e;
  e.seq = s.column_int64(0);
  e.kind = s.column_text(1);
  e.data = nlohmann::json::parse(s.column_text(2));
  e.at = s.column_text(3);
  return e;
}

// The event as the operation every replica applies: from the server, as the books' built-in
// owner (app::kServerOrigin, app::kServerFactActor: devices of the previous version apply it too),
// on the day of its instant in UTC (the fact carries its own dates: paid_on, refunded_on).
nlohmann::json fact_op(const std::string& clinic_id, const ServerEvent& e) {
  const std::string id = fact_op_id(clinic_id, e.seq);
  const nlohmann::json body = {{"cmd", "server_event.apply"}, {"id", id}, {"event", e.to_json()}};
  return {{"id", id},
          {"name", "server_event.apply"},
          {"actor", app::kServerFactActor},
          {"body", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)},
          {"at", e.at},
          {"day", e.at.substr(0, 10)},
          {"origin", app::kServerOrigin},
          {"series", ""}};
}

// The event's operation, written into the log unless it is there; its place.
std::int64_t write_fact(Sql& db, const std::string& clinic_id, const ServerEvent& e) {
  return append_server_op(db, clinic_id, fact_op(clinic_id, e), e.at);
}

}  // namespace

nlohmann::json ServerEvent::to_json() const { return {{"seq", seq}, {"kind", kind}, {"at", at}, {"data", data}}; }

std::string fact_op_id(const std::string& clinic_id, std::int64_t seq) {
  return "srv-" + clinic_id + "-" + std::to_string(seq);
}

ServerEvent emit_event(Sql& db, const std::string& clinic_id, const std::string& key,
                       const std::string& kind, const nlohmann::json& data, std::int64_t now) {
  ServerEvent event;
  db.transaction([&] {  // the event and its operation, or neither
    db.lock(clinic_id);  // the clinic's events commit in seq order (postgres_migrations.cpp)
    db.prepare(
          "INSERT INTO server_events(clinic_id, key, kind, body, created_at) VALUES (?, ?, ?, ?, ?) "
          "ON CONFLICT(clinic_id, key) DO NOTHING")
        .bind(1, clinic_id)
        .bind(2, key)
        .bind(3, kind)
        .bind(4, data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))  // never throws on bad UTF-8
        .bind(5, core::format_utc_instant(now))
        .step();
    event = *find_event(db, clinic_id, key);
    if (event.log_seq == 0) event.log_seq = write_fact(db, clinic_id, event);
  });
  return event;
}

std::int64_t carry_events_into_logs(Sql& db) {
  std::int64_t carried = 0;
  db.transaction([&] {
    SqlStatement s = db.prepare(std::string("SELECT ") + kEventColumns +
                                    " FROM server_events e WHERE NOT EXISTS (SELECT 1 FROM sync_ops o "
                                    "WHERE o.clinic_id = e.clinic_id AND o.op_id = 'srv-' || e.clinic_id || '-' || e.seq) "
                                    "ORDER BY e.seq");
    std::vector<std::pair<std::string, ServerEvent>> missing;
    while (s.step()) missing.emplace_back(s.column_text(4), read_event(s));
    for (const auto& [clinic_id, event] : missing) write_fact(db, clinic_id, event);
    carried = static_cast<std::int64_t>(missing.size());
  });
  return carried;
}

std::optional<ServerEvent> find_event(Sql& db, const std::string& clinic_id, const std::string& key) {
  SqlStatement s =
      db.prepare(std::string("SELECT ") + kEventColumns + " FROM server_events WHERE clinic_id = ? AND key = ?");
  s.bind(1, clinic_id).bind(2, key);
  if (!s.step()) return std::nullopt;
  ServerEvent event = read_event(s);
  event.log_seq = op_seq(db, clinic_id, fact_op_id(clinic_id, event.seq));
  return event;
}

std::vector<ServerEvent> events_after(Sql& db, const std::string& clinic_id, std::int64_t after,
                                      int limit) {
  SqlStatement s = db.prepare(
      std::string("SELECT ") + kEventColumns + " FROM server_events WHERE clinic_id = ? AND seq > ? ORDER BY seq LIMIT ?");
  s.bind(1, clinic_id).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
  std::vector<ServerEvent> out;
  while (s.step()) out.push_back(read_event(s));
  return out;
}

}  // namespace quittance::server
