// The patients' search index. See search_index.h.
#include "store/search_index.h"

namespace quittance::store {

namespace {
constexpr int kStaleNotesSince = 16;  // the migration that made patients_fts_stale
}  // namespace

void reindex_stale_patients(Database& db) {
  // Books not yet migrated (a transaction of the migration itself) keep the old triggers.
  if (db.scalar("PRAGMA user_version") < kStaleNotesSince) return;
  if (db.scalar("SELECT EXISTS(SELECT 1 FROM patients_fts_stale)") == 0) return;
  // Out with the names the index holds (external content: FTS5 needs them to find its entries),
  // in with the patients' names now; a patient inserted and deleted since is in neither.
  db.prepare(
        "INSERT INTO patients_fts(patients_fts, rowid, name) SELECT 'delete', patient_rowid, indexed_name "
        "FROM patients_fts_stale WHERE indexed_name IS NOT NULL")
      .step();
  db.prepare(
        "INSERT INTO patients_fts(rowid, name) SELECT p.rowid, p.name FROM patients_fts_stale s "
        "JOIN patients p ON p.rowid = s.patient_rowid")
      .step();
  db.prepare("DELETE FROM patients_fts_stale").step();
}

}  // namespace quittance::store
