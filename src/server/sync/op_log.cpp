// The clinic's operation log. See sync/op_log.h.
#include "app/bounded_json.h"
#include "server/sync/op_log.h"

namespace quittance::server {

std::int64_t log_head(Sql& db, const std::string& clinic_id) {
  auto st = db.prepare("SELECT COALESCE(MAX(seq), 0) FROM sync_ops WHERE clinic_id = ?1");
  st.bind(1, clinic_id);
  st.step();
  return st.column_int64(0);
}

namespace {

// One operation at `seq`; returns its size, to count against the clinic's quota.
std::int64_t insert_op(Sql& db, const std::string& clinic_id, std::int64_t seq, const std::string& op_id,
                       const std::string& device_id, const nlohmann::json& op, const std::string& now) {
  nlohmann::json stored = op;
  stored.erase("seq");
  const std::string text = stored.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto add = db.prepare(
      "INSERT INTO sync_ops(clinic_id, seq, op_id, device_id, op, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  add.bind(1, clinic_id).bind(2, seq).bind(3, op_id).bind(4, device_id).bind(5, text).bind(6, now);
  add.step();
  return static_cast<std::int64_t>(text.size());
}

// What the log holds grows by `bytes`: once per transaction, however many operations.
void count_log_bytes(Sql& db, const std::string& clinic_id, std::int64_t bytes) {
  if (bytes == 0) return;
  auto usage = db.prepare(
      "INSERT INTO clinic_log_usage(clinic_id, bytes) VALUES (?1, ?2) "
      "ON CONFLICT(clinic_id) DO UPDATE SET bytes = clinic_log_usage.bytes + excluded.bytes");
  usage.bind(1, clinic_id).bind(2, bytes);
  usage.step();
}

}  // namespace

bool devices_wrote_after(Sql& db, const std::string& clinic_id, std::int64_t after) {
  auto st = db.prepare("SELECT EXISTS(SELECT 1 FROM sync_ops WHERE clinic_id = ?1 AND seq > ?2 AND device_id <> ?3)");
  st.bind(1, clinic_id).bind(2, after).bind(3, kServerDevice);
  st.step();
  return st.column_int64(0) != 0;
}

std::int64_t op_seq(Sql& db, const std::string& clinic_id, const std::string& op_id) {
  auto find = db.prepare("SELECT seq FROM sync_ops WHERE clinic_id = ?1 AND op_id = ?2");
  find.bind(1, clinic_id).bind(2, op_id);
  return find.step() ? find.column_int64(0) : 0;
}

PushOutcome push_ops(Sql& db, const std::string& clinic_id, const std::string& device_id,
                     std::int64_t base, const std::vector<nlohmann::json>& ops, const std::string& now) {
  PushOutcome out;
  db.transaction([&] {
    db.lock(clinic_id);  // one writer of the clinic's log at a time, whichever server process
    out.head = log_head(db, clinic_id);
    if (base != out.head) {
      out.stale = true;
      return;
    }
    std::int64_t bytes = 0;
    for (const nlohmann::json& op : ops) {
      const std::string id = op.at("id").get<std::string>();
      if (std::int64_t seq = op_seq(db, clinic_id, id); seq > 0) {  // sent again: its first place stands
        out.accepted.emplace_back(id, seq);
        continue;
      }
      bytes += insert_op(db, clinic_id, ++out.head, id, device_id, op, now);
      out.accepted.emplace_back(id, out.head);
    }
    count_log_bytes(db, clinic_id, bytes);
  });
  return out;
}

std::int64_t append_server_op(Sql& db, const std::string& clinic_id, const nlohmann::json& op,
                              const std::string& now) {
  std::int64_t seq = 0;
  db.transaction([&] {
    db.lock(clinic_id);
    const std::string id = op.at("id").get<std::string>();
    seq = op_seq(db, clinic_id, id);
    if (seq > 0) return;
    seq = log_head(db, clinic_id) + 1;
    count_log_bytes(db, clinic_id, insert_op(db, clinic_id, seq, id, kServerDevice, op, now));
  });
  return seq;
}

std::int64_t log_bytes(Sql& db, const std::string& clinic_id) {
  auto st = db.prepare("SELECT bytes FROM clinic_log_usage WHERE clinic_id = ?1");
  st.bind(1, clinic_id);
  return st.step() ? st.column_int64(0) : 0;
}

PullPage pull_ops(Sql& db, const std::string& clinic_id, std::int64_t after, int limit) {
  PullPage page;
  auto st = db.prepare("SELECT seq, op FROM sync_ops WHERE clinic_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
  st.bind(1, clinic_id).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
  while (st.step()) {
    nlohmann::json op = app::parse_bounded_json_or_discarded(st.column_text(1));
    if (!op.is_object()) continue;  // cannot happen: written by push_ops, or repaired at start-up
    op["seq"] = st.column_int64(0);
    page.ops.push_back(std::move(op));
  }
  // Read after the page: with another process pushing meanwhile, the head is then at least
  // the page's last position (positions commit in order), never behind it.
  page.head = log_head(db, clinic_id);
  return page;
}

}  // namespace quittance::server
