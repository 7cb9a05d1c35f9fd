// The SQLite store on real files: migrations, settings, transactions, refusal of bad files.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "store/database.h"
#include "store/migrations.h"
#include "store/settings.h"

using namespace quittance::store;

namespace {
// A fresh database file path in the temporary folder, removed first.
std::string fresh_path(const char* name) {
  auto path = std::filesystem::temp_directory_path() / (std::string("quittance-store-test-") + name + ".db");
  std::filesystem::remove(path);
  return path.string();
}
}  // namespace

TEST_CASE("a new database is migrated to the newest schema, and migrating again does nothing") {
  std::string path = fresh_path("migrate");
  {
    auto db = Database::open(path);
    CHECK(schema_version(db) == 0);
    migrate(db, clinic_migrations());
    CHECK(schema_version(db) == clinic_migrations().back().version);
    set_setting(db, "practice.name", "Cabinet");
  }
  auto db = Database::open(path);
  migrate(db, clinic_migrations());
  CHECK(get_setting(db, "practice.name") == "Cabinet");
}

TEST_CASE("a database from a newer Quittance is refused, not downgraded") {
  std::string path = fresh_path("newer");
  auto db = Database::open(path);
  db.exec("PRAGMA user_version = 999");
  CHECK_THROWS_AS(migrate(db, clinic_migrations()), StoreError);
  CHECK(schema_version(db) == 999);
}

TEST_CASE("a failing migration leaves the previous version intact") {
  std::string path = fresh_path("failing");
  auto db = Database::open(path);
  std::vector<Migration> migrations = {
      {1, "CREATE TABLE a(x INTEGER) STRICT;"},
      {2, "CREATE TABLE b(y INTEGER) STRICT; INSERT INTO nowhere VALUES (1);"},
  };
  CHECK_THROWS_AS(migrate(db, migrations), StoreError);
  CHECK(schema_version(db) == 1);
  // Table b was created inside the failed migration's transaction: rolled back with it.
  CHECK_THROWS_AS(db.exec("SELECT * FROM b"), StoreError);
}

TEST_CASE("settings: set, overwrite, list, missing key") {
  auto db = Database::open(":memory:");
  migrate(db, clinic_migrations());
  CHECK_FALSE(get_setting(db, "ui.language").has_value());
  set_setting(db, "ui.language", "fr");
  set_setting(db, "ui.language", "en");
  set_setting(db, "practice.name", "Œdipe & Cie — « Crête »");
  CHECK(get_setting(db, "ui.language") == "en");
  auto all = all_settings(db);
  CHECK(all.size() == 2);
  CHECK(all["practice.name"] == "Œdipe & Cie — « Crête »");
}

TEST_CASE("setting a value to what it already is changes nothing") {
  auto db = Database::open(":memory:");
  migrate(db, clinic_migrations());
  set_setting(db, "ui.language", "fr");
  auto before = db.total_changes();
  set_setting(db, "ui.language", "fr");
  CHECK(db.total_changes() == before);
}

TEST_CASE("a transaction that throws is rolled back") {
  auto db = Database::open(":memory:");
  migrate(db, clinic_migrations());
  CHECK_THROWS(db.transaction([&] {
    set_setting(db, "practice.name", "lost");
    throw std::runtime_error("boom");
  }));
  CHECK_FALSE(get_setting(db, "practice.name").has_value());
}

TEST_CASE("a file that is not a database is refused and left untouched") {
  std::string path = fresh_path("garbage");
  { std::ofstream(path) << "definitely not a database, but somebody's data"; }
  auto db = Database::open(path);
  CHECK_THROWS_AS(migrate(db, clinic_migrations()), StoreError);
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(content == "definitely not a database, but somebody's data");
}

TEST_CASE("quick_check reports ok on a sound database") {
  auto db = Database::open(fresh_path("check"));
  migrate(db, clinic_migrations());
  CHECK(db.quick_check() == "ok");
}

TEST_CASE("a transaction inside a transaction is a savepoint: its failure undoes only itself") {
  auto db = Database::open(":memory:");
  migrate(db, clinic_migrations());
  db.exec("BEGIN");
  db.transaction([&] { set_setting(db, "practice.name", "kept"); });
  CHECK_THROWS(db.transaction([&] {
    set_setting(db, "practice.siret", "lost");
    throw std::runtime_error("boom");
  }));
  CHECK(db.in_transaction());
  db.exec("COMMIT");
  CHECK(get_setting(db, "practice.name") == "kept");
  CHECK_FALSE(get_setting(db, "practice.siret").has_value());
}
