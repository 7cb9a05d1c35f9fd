// Clinic schema migrations. Append new migrations; never edit one that has shipped.
#include "store/migrations.h"

#include <sqlite3.h>

#include <string>

namespace quittance::store {

const std::vector<Migration>& clinic_migrations() {
  static const std::vector<Migration> migrations = {
      {1, R"sql(
        -- Practice and interface settings: one row per key, values as text.
        CREATE TABLE settings (
          key   TEXT PRIMARY KEY NOT NULL,
          value TEXT NOT NULL
        ) STRICT;
      )sql"},
  };
  return migrations;
}

int schema_version(Database& db) {
  Statement st = db.prepare("PRAGMA user_version");
  st.step();
  return static_cast<int>(st.column_int64(0));
}

void migrate(Database& db, const std::vector<Migration>& migrations) {
  int current = schema_version(db);
  int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    throw StoreError(SQLITE_ERROR, "the database has schema version " + std::to_string(current) +
                                       ", newer than this Quittance knows (" + std::to_string(newest) +
                                       "): update Quittance");
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    db.transaction([&] {
      db.exec(m.sql);
      db.exec("PRAGMA user_version = " + std::to_string(m.version));
    });
    current = m.version;
  }
}

}  // namespace quittance::store
