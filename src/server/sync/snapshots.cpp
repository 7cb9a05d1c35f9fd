// The clinic's books kept up to date on the server. See sync/snapshots.h.
#include "server/sync/snapshots.h"

#include <filesystem>

#include "app/commands.h"
#include "server/sync/op_log.h"
#include "store/backup.h"
#include "store/migrations.h"
#include "sync/replica.h"

namespace quittance::server {

namespace {
constexpr int kApplyPage = 1000;  // operations applied per transaction
}

SnapshotStore::SnapshotStore(std::string dir) : dir_(std::move(dir)) {}
SnapshotStore::~SnapshotStore() = default;

store::Database& SnapshotStore::open(const std::string& clinic_id) {
  auto it = open_.find(clinic_id);
  if (it != open_.end()) return *it->second;
  std::string path = ":memory:";
  if (!dir_.empty()) {
    std::filesystem::create_directories(dir_);
    path = (std::filesystem::path(dir_) / (clinic_id + ".db")).string();  // clinic ids are UUIDs
  }
  auto db = std::make_unique<store::Database>(store::Database::open(path));
  store::migrate(*db, store::clinic_migrations());
  // The restored device's cursor counts in this clinic's log (sync::Replica::join keeps it).
  sync::set_sync_state(*db, "clinic", clinic_id);
  return *open_.emplace(clinic_id, std::move(db)).first->second;
}

std::int64_t SnapshotStore::catch_up(SharedDatabase& server, const std::string& clinic_id, store::Database& db,
                                    app::CommandLayer& commands) {
  sync::Replica replica(db, commands);
  for (;;) {
    const std::int64_t cursor = replica.cursor();
    PullPage page = server.with([&](store::Database& d) { return pull_ops(d, clinic_id, cursor, kApplyPage); });
    std::vector<app::Op> ops;
    for (const auto& j : page.ops) {
      app::Op op;
      std::string field;
      if (!sync::op_from_json(j, &op, &field)) break;  // checked when pushed: never here
      ops.push_back(std::move(op));
    }
    const sync::PullOutcome applied = replica.apply_pulled(std::move(ops));
    // Caught up; or stopped before an operation a newer Quittance made (the snapshot stays
    // before it, and the device pulls it and says it needs the update).
    if (replica.cursor() >= page.head || !applied.blocked.empty() || replica.cursor() == cursor) break;
  }
  return replica.cursor();
}

Snapshot SnapshotStore::take(SharedDatabase& server, const std::string& clinic_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  store::Database& db = open(clinic_id);
  // No origin: the server makes no operation of its own, it only applies the log's.
  app::CommandLayer commands(db);
  const std::int64_t cursor = catch_up(server, clinic_id, db, commands);
  Snapshot snapshot{cursor, store::serialize_database(db)};
  // A device opens it as a lone file: in rollback mode, whatever mode this copy runs in.
  for (std::size_t at : {18, 19}) {
    if (snapshot.bytes.size() > at && snapshot.bytes[at] == 2) snapshot.bytes[at] = 1;
  }
  return snapshot;
}

}  // namespace quittance::server
