// The server's own SQLite database, DATA/server.db: its schema migrations (separate from the
// clinic's) and the one connection that httplib's worker threads share.
#pragma once
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "store/database.h"
#include "store/migrations.h"

namespace quittance::server {

// The server database's migrations, oldest first. Append; never edit one that has shipped.
const std::vector<store::Migration>& server_migrations();

// Creates `data_dir` if missing, opens (creating) data_dir/server.db, puts it in WAL mode and
// migrates it.
// Throws std::filesystem::filesystem_error or store::StoreError, with the path in the message.
store::Database open_server_database(const std::string& data_dir);

// One connection shared by all request threads. SQLite is built with SQLITE_THREADSAFE=2: a
// connection may move between threads but never be used by two at once, hence the mutex.
// We share one connection rather than open one per request because Database::open creates a
// missing file: a per-request open would silently recreate an empty, unmigrated server.db if
// the file vanished, where the startup connection keeps reporting on the database it migrated.
class SharedDatabase {
 public:
  explicit SharedDatabase(store::Database db) : db_(std::move(db)) {}

  // Runs body(store::Database&) under the lock and returns its result.
  template <class Body>
  auto with(Body&& body) {
    std::lock_guard<std::mutex> lock(mutex_);
    return body(db_);
  }

 private:
  std::mutex mutex_;
  store::Database db_;
};

}  // namespace quittance::server
