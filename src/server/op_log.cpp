// The clinic's operation log. See op_log.h.
#include "server/op_log.h"
#include "app/bounded_json.h"

namespace quittance::server {

std::int64_t log_head(store::Database& db, const std::string& clinic_id) {
  auto st = db.prepare("SELECT COALESCE(MAX(seq), 0) FROM sync_ops WHERE clinic_id = ?1");
  st.bind(1, clinic_id);
  st.step();
  return st.column_int64(0);
}

PushOutcome push_ops(store::Database& db, const std::string& clinic_id, const std::string& device_id,
                     std::int64_t base, const std::vector<nlohmann::json>& ops, const std::string& now) {
  PushOutcome out;
  db.transaction([&] {
    out.head = log_head(db, clinic_id);
    if (base != out.head) {
      out.stale = true;
      return;
    }
    std::int64_t bytes = 0;
    auto find = db.prepare("SELECT seq FROM sync_ops WHERE clinic_id = ?1 AND op_id = ?2");
    auto add = db.prepare(
        "INSERT INTO sync_ops(clinic_id, seq, op_id, device_id, op, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    for (const nlohmann::json& op : ops) {
      const std::string id = op.at("id").get<std::string>();
      find.reset();
      find.bind(1, clinic_id).bind(2, id);
      if (find.step()) {  // sent again: its first place stands
        out.accepted.emplace_back(id, find.column_int64(0));
        continue;
      }
      nlohmann::json stored = op;
      stored.erase("seq");
      add.reset();
      add.bind(1, clinic_id).bind(2, ++out.head).bind(3, id).bind(4, device_id);
      const std::string text = stored.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      add.bind(5, text).bind(6, now);
      add.step();
      bytes += static_cast<std::int64_t>(text.size());
      out.accepted.emplace_back(id, out.head);
    }
    auto usage = db.prepare(
        "INSERT INTO clinic_log_usage(clinic_id, bytes) VALUES (?1, ?2) "
        "ON CONFLICT(clinic_id) DO UPDATE SET bytes = bytes + excluded.bytes");
    usage.bind(1, clinic_id).bind(2, bytes);
    usage.step();
  });
  return out;
}

std::int64_t log_bytes(store::Database& db, const std::string& clinic_id) {
  auto st = db.prepare("SELECT bytes FROM clinic_log_usage WHERE clinic_id = ?1");
  st.bind(1, clinic_id);
  return st.step() ? st.column_int64(0) : 0;
}

PullPage pull_ops(store::Database& db, const std::string& clinic_id, std::int64_t after, int limit) {
  PullPage page;
  page.head = log_head(db, clinic_id);
  auto st = db.prepare("SELECT seq, op FROM sync_ops WHERE clinic_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
  st.bind(1, clinic_id).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
  while (st.step()) {
    nlohmann::json op = app::parse_bounded_json_or_discarded(st.column_text(1));
    if (!op.is_object()) continue;  // cannot happen: written by push_ops, or repaired at start-up
    op["seq"] = st.column_int64(0);
    page.ops.push_back(std::move(op));
  }
  return page;
}

}  // namespace quittance::server
