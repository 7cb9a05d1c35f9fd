// The clinic's books as the server's log makes them (docs/sync.md, « Restore »): one clinic
// database per clinic beside the server database (DIR/snapshots/<clinic>.db), brought up to
// the log's head by applying its operations exactly as a device does (sync::Replica). A new
// device downloads it (GET /api/sync/snapshot) and pulls only what follows, instead of
// replaying years of operations.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/commands.h"
#include "server/store/server_db.h"
#include "store/database.h"

namespace quittance::server {

struct Snapshot {
  std::int64_t seq = 0;              // the last operation applied in it
  std::vector<unsigned char> bytes;  // a SQLite database file
};

class SnapshotStore {
 public:
  // `dir` "" keeps the copies in memory (tests).
  explicit SnapshotStore(std::string dir);
  ~SnapshotStore();
  // Brings the clinic's copy up to its log's head and returns it. Throws store::StoreError.
  // One clinic at a time: a second caller waits, then finds the copy up to date.
  Snapshot take(SharedDatabase& server, const std::string& clinic_id);

  // Brings the clinic's copy up to its log's head and runs body(store::Database&,
  // app::CommandLayer&) on it, under the same lock (the mail scheduler reads invoices there).
  // The body must not write: the copy is the log's, nothing else's.
  template <class Body>
  auto read(SharedDatabase& server, const std::string& clinic_id, Body&& body) {
    std::lock_guard<std::mutex> lock(mutex_);
    store::Database& db = open(clinic_id);
    app::CommandLayer commands(db);  // dated in the practice's time zone
    catch_up(server, clinic_id, db, commands);
    commands.act_as_an_owner();  // its queries read everything, whoever the clinic archived
    return body(db, commands);
  }

 private:
  store::Database& open(const std::string& clinic_id);
  // Applies the log's operations after the copy's cursor; returns the cursor reached.
  std::int64_t catch_up(SharedDatabase& server, const std::string& clinic_id, store::Database& db,
                        app::CommandLayer& commands);
  std::mutex mutex_;
  std::string dir_;
  std::map<std::string, std::unique_ptr<store::Database>> open_;
};

}  // namespace quittance::server
