// The clinic's operation log on the server (docs/sync.md): devices push their operations and
// pull everyone's, in one order. A push is accepted only from a device that has applied
// everything before it (its `base` is the log's head), so each device's own operations follow,
// in the log, the operations it had applied when it made them; otherwise it is told to pull
// first (and rebases). Operations are idempotent by id: sent twice, stored once.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/database.h"

namespace quittance::server {

struct PushOutcome {
  bool stale = false;   // base is behind the head: pull, then push again
  std::int64_t head = 0;
  std::vector<std::pair<std::string, std::int64_t>> accepted;  // op id → its seq
};

// `ops` were checked by the caller (sync::op_from_json). Appended atomically, in their order.
PushOutcome push_ops(store::Database& db, const std::string& clinic_id, const std::string& device_id,
                     std::int64_t base, const std::vector<nlohmann::json>& ops, const std::string& now);

struct PullPage {
  std::vector<nlohmann::json> ops;  // each with its "seq"
  std::int64_t head = 0;
};
// Up to `limit` operations after `after`, oldest first.
PullPage pull_ops(store::Database& db, const std::string& clinic_id, std::int64_t after, int limit);

std::int64_t log_head(store::Database& db, const std::string& clinic_id);

// The bytes the clinic's log holds (its operations as stored), for its quota.
std::int64_t log_bytes(store::Database& db, const std::string& clinic_id);

}  // namespace quittance::server
