// Server database: migrations and opening. See server_db.h.
#include "server/server_db.h"

#include <filesystem>

namespace quittance::server {

const std::vector<store::Migration>& server_migrations() {
  static const std::vector<store::Migration> migrations = {
      {1, R"sql(
        -- Facts about this server installation, one row per key. The creation time is written
        -- here, in the migration's transaction, so it is recorded exactly once.
        CREATE TABLE server_info (
          key   TEXT PRIMARY KEY NOT NULL,
          value TEXT NOT NULL
        ) STRICT;
        INSERT INTO server_info(key, value)
          VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
      )sql"},
  };
  return migrations;
}

store::Database open_server_database(const std::string& data_dir) {
  std::filesystem::path dir(data_dir);
  std::filesystem::create_directories(dir);  // throws if e.g. a file stands in the way
  store::Database db = store::Database::open((dir / "server.db").string());
  store::migrate(db, server_migrations());
  return db;
}

}  // namespace quittance::server
