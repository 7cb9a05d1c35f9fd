// The server's database on PostgreSQL (QUITTANCE_DATABASE_URL=postgresql://…): the hosted
// service, where any number of server processes share one database. One object is one libpq
// connection; SharedDatabase (server_db.h) keeps a pool of them.
#pragma once
#include <map>
#include <string>

#include "server/store/sql.h"

struct pg_conn;

namespace quittance::server {

class PostgresSql final : public Sql {
 public:
  // Connects to `url` (a libpq connection URI). Throws store::StoreError when it cannot.
  explicit PostgresSql(const std::string& url);
  ~PostgresSql() override;
  PostgresSql(const PostgresSql&) = delete;
  PostgresSql& operator=(const PostgresSql&) = delete;

  Engine engine() const override { return Engine::postgres; }
  void exec(std::string_view sql) override;
  SqlStatement prepare(std::string_view sql) override;
  std::int64_t total_changes() const override { return changes_; }
  void lock(std::string_view key) override;
  void relax_durability() override { exec("SET LOCAL synchronous_commit = off"); }
  bool try_lock_session(std::string_view key) override;
  int schema_version() override;
  void set_schema_version(int version) override;
  bool in_transaction() const override;

  // Before the pool lends this connection again: reconnects a connection the server dropped
  // (a restart; `*reconnected` then true), and ends a transaction a failure left open. False
  // when the server is still unreachable, and the connection should be closed.
  bool make_ready(bool* reconnected = nullptr) noexcept;

 protected:
  void begin() override { exec("BEGIN"); }
  void rollback_quietly() noexcept override;
  void rollback_savepoint_quietly() noexcept override;

 private:
  friend class PostgresStatement;
  // The name of `sql` prepared on this connection, preparing it on first use.
  const std::string& prepared(const std::string& sql);
  [[noreturn]] void fail(const char* what, void* result);  // result: a PGresult*, or null
  void count_changes(void* result);

  pg_conn* conn_;
  std::map<std::string, std::string> prepared_;  // numbered SQL → statement name
  std::int64_t changes_ = 0;
};

// `sql` with its SQLite placeholders numbered as PostgreSQL wants them: `?N` becomes $N, and a
// bare `?` one more than the largest number so far (SQLite's own rule). A `?` inside a quoted
// string or identifier, or in a comment, is left alone.
std::string number_placeholders(std::string_view sql);

}  // namespace quittance::server
