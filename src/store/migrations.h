// Schema versioning of the clinic database. The version lives in PRAGMA user_version; each
// migration runs in its own transaction together with the version bump, so a crash leaves the
// database at the old version or the new one, never between.
#pragma once
#include <string_view>
#include <vector>

#include "store/database.h"

namespace quittance::store {

struct Migration {
  int version;           // the schema version this migration produces
  std::string_view sql;  // statements run in one transaction
};

// The clinic database's migrations, oldest first.
const std::vector<Migration>& clinic_migrations();

int schema_version(Database& db);

// Brings `db` to the newest version of `migrations`. Throws StoreError if the database comes
// from a newer Quittance (its version is above every known migration): it is never downgraded.
void migrate(Database& db, const std::vector<Migration>& migrations);

}  // namespace quittance::store
