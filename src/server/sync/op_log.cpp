// The clinic's operation log. See sync/op_log.h.
#include "app/bounded_json.h"
#include "server/sync/op_log.h"

#include <algorithm>
#include <map>

namespace quittance::server {

std::int64_t log_head(Sql& db, const std::string& clinic_id) {
  auto st = db.prepare("SELECT COALESCE(MAX(seq), 0) FROM sync_ops WHERE clinic_id = ?1");
  st.bind(1, clinic_id);
  st.step();
  return st.column_int64(0);
}

namespace {

// Statements run by tens: on PostgreSQL each statement is a round trip to the database, and a
// push's ten operations in ten round trips were most of its time (scripts/bench-hosted).
constexpr std::size_t kRowsPerStatement = 10;

// "(?, ?, …), (?, ?, …)…": `rows` groups of `columns` placeholders.
std::string placeholder_rows(std::size_t rows, std::size_t columns) {
  std::string row = "(?";
  for (std::size_t c = 1; c < columns; ++c) row += ", ?";
  row += ")";
  std::string out = row;
  for (std::size_t r = 1; r < rows; ++r) out += ", " + row;
  return out;
}

// The positions of those of `ids` the clinic's log holds already. Ten ids per statement, the
// last ten padded with its own last id, so that every call shares one statement text.
std::map<std::string, std::int64_t> seqs_of(Sql& db, const std::string& clinic_id,
                                            const std::vector<std::string>& ids) {
  static const std::string sql = "SELECT op_id, seq FROM sync_ops WHERE clinic_id = ? AND op_id IN " +
                                 placeholder_rows(1, kRowsPerStatement);
  std::map<std::string, std::int64_t> found;
  for (std::size_t from = 0; from < ids.size(); from += kRowsPerStatement) {
    SqlStatement st = db.prepare(sql);
    st.bind(1, clinic_id);
    for (std::size_t i = 0; i < kRowsPerStatement; ++i) {
      st.bind(static_cast<int>(i) + 2, ids[std::min(from + i, ids.size() - 1)]);
    }
    while (st.step()) found.emplace(st.column_text(0), st.column_int64(1));
  }
  return found;
}

struct NewOp {
  std::int64_t seq;
  std::string id, text;
};

NewOp stored_op(std::int64_t seq, std::string id, const nlohmann::json& op) {
  nlohmann::json stored = op;
  stored.erase("seq");
  return {seq, std::move(id), stored.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

// Inserts `ops` (by tens, the rest one by one); returns their size, to count against the
// clinic's quota.
std::int64_t insert_ops(Sql& db, const std::string& clinic_id, const std::string& device_id,
                        const std::vector<NewOp>& ops, const std::string& now) {
  static const std::string insert = "INSERT INTO sync_ops(clinic_id, seq, op_id, device_id, op, received_at) VALUES ";
  static const std::string tens = insert + placeholder_rows(kRowsPerStatement, 6);
  static const std::string one = insert + placeholder_rows(1, 6);
  std::int64_t bytes = 0;
  for (std::size_t from = 0; from < ops.size();) {
    const std::size_t n = ops.size() - from >= kRowsPerStatement ? kRowsPerStatement : 1;
    SqlStatement add = db.prepare(n == 1 ? one : tens);
    for (std::size_t i = 0; i < n; ++i) {
      const NewOp& op = ops[from + i];
      const int p = static_cast<int>(i * 6);
      add.bind(p + 1, clinic_id).bind(p + 2, op.seq).bind(p + 3, op.id).bind(p + 4, device_id);
      add.bind(p + 5, op.text).bind(p + 6, now);
      bytes += static_cast<std::int64_t>(op.text.size());
    }
    add.step();
    from += n;
  }
  return bytes;
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
                     std::int64_t base, const std::vector<nlohmann::json>& ops, const std::string& now,
                     const std::function<void()>& also) {
  PushOutcome out;
  db.transaction([&] {
    db.lock(clinic_id);  // one writer of the clinic's log at a time, whichever server process
    out.head = log_head(db, clinic_id);
    if (base != out.head) {
      out.stale = true;
      return;
    }
    std::vector<std::string> ids;
    for (const nlohmann::json& op : ops) ids.push_back(op.at("id").get<std::string>());
    // Sent again (an answer lost on the way), an operation keeps its first place; so does one
    // the batch holds twice.
    std::map<std::string, std::int64_t> placed = seqs_of(db, clinic_id, ids);
    std::vector<NewOp> fresh;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      auto [at, is_new] = placed.emplace(ids[i], out.head + 1);
      if (is_new) fresh.push_back(stored_op(++out.head, ids[i], ops[i]));
      out.accepted.emplace_back(ids[i], at->second);
    }
    const std::int64_t bytes = insert_ops(db, clinic_id, device_id, fresh, now);
    count_log_bytes(db, clinic_id, bytes);
    if (also) also();
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
    count_log_bytes(db, clinic_id, insert_ops(db, clinic_id, kServerDevice, {stored_op(seq, id, op)}, now));
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
