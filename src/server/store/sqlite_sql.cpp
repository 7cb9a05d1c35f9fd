// The server's database on SQLite. See sqlite_sql.h.
#include "server/store/sqlite_sql.h"

#include <utility>

#include "store/migrations.h"

namespace quittance::server {
namespace {

class SqliteStatement final : public StatementImpl {
 public:
  explicit SqliteStatement(store::Statement st) : st_(std::move(st)) {}
  void bind(int index, std::int64_t value) override { st_.bind(index, value); }
  void bind(int index, std::string_view value) override { st_.bind(index, value); }
  void bind_null(int index) override { st_.bind_null(index); }
  bool step() override { return st_.step(); }
  void reset() override { st_.reset(); }
  std::int64_t column_int64(int index) const override { return st_.column_int64(index); }
  std::string column_text(int index) const override { return st_.column_text(index); }
  bool column_is_null(int index) const override { return st_.column_is_null(index); }
  int column_count() const override { return st_.column_count(); }

 private:
  store::Statement st_;
};

}  // namespace

SqlStatement SqliteSql::prepare(std::string_view sql) {
  return SqlStatement(std::make_unique<SqliteStatement>(db_.prepare(sql)));
}

int SqliteSql::schema_version() { return store::schema_version(db_); }

void SqliteSql::set_schema_version(int version) { db_.exec("PRAGMA user_version = " + std::to_string(version)); }

void SqliteSql::rollback_quietly() noexcept {
  try {
    if (db_.in_transaction()) db_.exec("ROLLBACK");
  } catch (...) {
  }
}

void SqliteSql::rollback_savepoint_quietly() noexcept {
  try {
    db_.exec("ROLLBACK TO nested");
    db_.exec("RELEASE nested");
  } catch (...) {
  }
}

}  // namespace quittance::server
