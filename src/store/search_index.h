// The patients' full-text search index (patients_fts), brought up to date once per transaction.
// FTS5 writes what it holds in memory to disk at every savepoint, and SQLite opens one for
// nearly every statement: kept in step by triggers, the index took a new segment for every
// patient written, and a pulled batch of operations spent a fifth of its time there. Triggers
// now only note the rows changed (patients_fts_stale, with the name the index holds for each)
// and this runs before every commit (Database::set_before_commit).
#pragma once

#include "store/database.h"

namespace quittance::store {

// Reindexes the patients noted as changed since the last call, and forgets them.
void reindex_stale_patients(Database& db);

}  // namespace quittance::store
