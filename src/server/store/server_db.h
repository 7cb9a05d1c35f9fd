// The server's own database: its schema migrations (separate from the clinic's), in SQLite's
// and PostgreSQL's dialects under the same version numbers, and the connections that httplib's
// worker threads share. SQLite (DATA/server.db) when no database URL is given: the embedded
// default; PostgreSQL when one is (QUITTANCE_DATABASE_URL): the hosted service.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/sql.h"
#include "store/migrations.h"

namespace quittance::server {

// The server database's migrations, oldest first, one list per engine with the same versions
// (postgres_migrations.cpp). Append to both; never edit one that has shipped.
const std::vector<store::Migration>& server_migrations();
const std::vector<store::Migration>& postgres_server_migrations();

// Brings `sql` to the newest schema; each migration in its own transaction with its version.
// With several processes starting at once, one migrates and the others wait for it.
// Throws store::StoreError for a database of a newer Quittance, which is never downgraded.
void migrate_server(Sql& sql);

// Opens one connection to the server's database and brings it up to date (migrations, the
// start-up repair of old logs). `database_url` empty: SQLite in data_dir/server.db, creating
// the folder and file; else the PostgreSQL database it names.
// Throws std::filesystem::filesystem_error or store::StoreError, saying where.
std::unique_ptr<Sql> open_server_database(const std::string& data_dir, const std::string& database_url = "");

// The connections every request thread borrows. SQLite: the one connection, one thread at a
// time (SQLITE_THREADSAFE=2: a connection may move between threads, never be used by two at
// once). We share one rather than open one per request because Database::open creates a
// missing file: a per-request open would silently recreate an empty, unmigrated server.db if
// the file vanished. PostgreSQL: a pool of connections to the same URL, opened as threads need
// them, each lent to one thread at a time, and reconnected after the server restarted.
class SharedDatabase {
 public:
  // `first`: a connection open_server_database made. For PostgreSQL, `database_url` is where
  // more connections come from, at most `max_connections` at once.
  explicit SharedDatabase(std::unique_ptr<Sql> first, std::string database_url = "", std::size_t max_connections = 16);
  ~SharedDatabase();
  SharedDatabase(const SharedDatabase&) = delete;
  SharedDatabase& operator=(const SharedDatabase&) = delete;

  Sql::Engine engine() const { return engine_; }
  // A PostgreSQL connection of the caller's own, outside the pool (a lock held for as long as
  // it lives). Throws store::StoreError; std::logic_error on SQLite, which has one connection.
  std::unique_ptr<Sql> connect_alone() const;

  // Runs body(Sql&) on a connection lent for the call and returns its result.
  template <class Body>
  auto with(Body&& body) {
    Lease lease(*this);
    return body(*lease.sql);
  }

 private:
  struct Lease {
    explicit Lease(SharedDatabase& owner) : owner(owner), sql(owner.acquire()) {}
    ~Lease() { owner.release(std::move(sql)); }
    SharedDatabase& owner;
    std::unique_ptr<Sql> sql;
  };
  std::unique_ptr<Sql> acquire();
  void release(std::unique_ptr<Sql> sql) noexcept;

  const Sql::Engine engine_;
  const std::string url_;
  const std::size_t max_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Sql>> idle_;
  std::size_t open_ = 0;  // connections lent or idle
};

}  // namespace quittance::server
