// The clinic's operation log on the server (docs/sync.md): devices push their operations and
// pull everyone's, in one order. A push is accepted only from a device that has applied
// everything before it (its `base` is the log's head), so each device's own operations follow,
// in the log, the operations it had applied when it made them; otherwise it is told to pull
// first (and rebases). Operations are idempotent by id: sent twice, stored once.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/store/sql.h"

namespace quittance::server {

struct PushOutcome {
  bool stale = false;   // base is behind the head: pull, then push again
  std::int64_t head = 0;
  std::vector<std::pair<std::string, std::int64_t>> accepted;  // op id → its seq
};

// `ops` were checked by the caller (sync::op_from_json). Appended atomically, in their order.
// `also`, when given, runs in the same transaction once they are (not when the push is stale):
// what must hold exactly when the operations are in the log (a payment link that works).
PushOutcome push_ops(Sql& db, const std::string& clinic_id, const std::string& device_id,
                     std::int64_t base, const std::vector<nlohmann::json>& ops, const std::string& now,
                     const std::function<void()>& also = {});

struct PullPage {
  std::vector<nlohmann::json> ops;  // each with its "seq"
  std::int64_t head = 0;
};
// Up to `limit` operations after `after`, oldest first.
PullPage pull_ops(Sql& db, const std::string& clinic_id, std::int64_t after, int limit);

std::int64_t log_head(Sql& db, const std::string& clinic_id);

// The device id under which the server's own operations stand in the log (sync/server_events.h).
constexpr const char* kServerDevice = "server";

// Appends an operation the server writes itself (a fact it learnt: sync/server_events.h) at the
// log's head, in the caller's transaction. Idempotent by the operation's id: written once,
// its first place stands. Returns its seq.
std::int64_t append_server_op(Sql& db, const std::string& clinic_id, const nlohmann::json& op,
                              const std::string& now);

// True when a device wrote into the clinic's log after `after` (the server's own facts aside).
bool devices_wrote_after(Sql& db, const std::string& clinic_id, std::int64_t after);

// The seq of operation `op_id` in the clinic's log, 0 when it is not there.
std::int64_t op_seq(Sql& db, const std::string& clinic_id, const std::string& op_id);

// The bytes the clinic's log holds (its operations as stored), for its quota.
std::int64_t log_bytes(Sql& db, const std::string& clinic_id);

}  // namespace quittance::server
