// The server's database on SQLite (DATA/server.db): the embedded default, one process.
#pragma once
#include <string>

#include "server/store/sql.h"
#include "store/database.h"

namespace quittance::server {

class SqliteSql final : public Sql {
 public:
  explicit SqliteSql(store::Database db) : db_(std::move(db)) {}

  Engine engine() const override { return Engine::sqlite; }
  void exec(std::string_view sql) override { db_.exec(sql); }
  SqlStatement prepare(std::string_view sql) override;
  std::int64_t total_changes() const override { return db_.total_changes(); }
  void lock(std::string_view) override {}  // BEGIN IMMEDIATE serialises every writer already
  void relax_durability() override {}
  bool try_lock_session(std::string_view) override { return true; }
  int schema_version() override;
  void set_schema_version(int version) override;
  bool in_transaction() const override { return db_.in_transaction(); }

  store::Database& database() { return db_; }  // log repair reads the rows through the store

 protected:
  void begin() override { db_.exec("BEGIN IMMEDIATE"); }
  void rollback_quietly() noexcept override;
  void rollback_savepoint_quietly() noexcept override;

 private:
  store::Database db_;
};

}  // namespace quittance::server
