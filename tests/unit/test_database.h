// The server database a test runs on. SQLite in the test's data folder by default; when
// QUITTANCE_TEST_DATABASE_URL names a PostgreSQL database (scripts/test starts a throwaway
// cluster and runs the server tests a second time with it), a fresh schema of that database
// for each test, so that the same behaviour tests hold against both engines.
#pragma once
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>

#include "server/store/postgres_sql.h"
#include "server/store/server_db.h"

namespace quittance::server::testing {

// "" for SQLite; else a URL whose connections see only a new, empty schema.
inline std::string fresh_database_url() {
  const char* base = std::getenv("QUITTANCE_TEST_DATABASE_URL");
  if (!base || !*base) return "";
  static std::atomic<int> counter{0};
  const std::string schema = "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  PostgresSql admin(base);
  admin.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  const std::string url(base);
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

inline bool on_postgres() {
  const char* base = std::getenv("QUITTANCE_TEST_DATABASE_URL");
  return base && *base;
}

// The server's database for a test: opened, migrated and shared as the server does. A test
// that restarts its server opens the same `url` (from fresh_database_url) again.
inline std::unique_ptr<SharedDatabase> open_test_database(const std::string& data_dir, const std::string& url) {
  return std::make_unique<SharedDatabase>(open_server_database(data_dir, url), url);
}
inline std::unique_ptr<SharedDatabase> open_test_database(const std::string& data_dir) {
  return open_test_database(data_dir, fresh_database_url());
}

}  // namespace quittance::server::testing
