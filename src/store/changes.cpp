// Change recording and undo. See changes.h.
#include "store/changes.h"

#include <sqlite3.h>

#include <cstring>

namespace quittance::store {

namespace {

// Rows the recorder leaves out: the journal and sync's bookkeeping (sync rewrites those itself),
// FTS5 tables and their shadow tables, and the invoices' counts by status (both maintained by
// triggers on the tables they follow, which fire when an undo writes those tables).
int recorded(void*, const char* table) {
  const std::string name = table;
  if (name == "journal" || name.rfind("sync_", 0) == 0) return 0;
  if (name.find("_fts") != std::string::npos || name == "invoice_counts") return 0;
  return 1;
}

// Undoing our own newest changes in reverse order meets exactly the rows they wrote: any
// conflict means the database was changed behind sync's back, and the undo stops. (Foreign
// keys act as NO ACTION meanwhile: a cascade would remove rows the changeset removes itself.)
int on_conflict(void*, int, sqlite3_changeset_iter*) { return SQLITE_CHANGESET_ABORT; }

}  // namespace

ChangeRecorder::ChangeRecorder(Database& db) {
  int rc = sqlite3session_create(db.handle(), "main", &session_);
  if (rc != SQLITE_OK) throw StoreError(rc, "sqlite3session_create failed");
  int one = 1;  // tables without a declared primary key (refund_parts) are recorded by rowid
  sqlite3session_object_config(session_, SQLITE_SESSION_OBJCONFIG_ROWID, &one);
  sqlite3session_table_filter(session_, recorded, nullptr);
  rc = sqlite3session_attach(session_, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3session_delete(session_);
    throw StoreError(rc, "sqlite3session_attach failed");
  }
}

ChangeRecorder::~ChangeRecorder() { sqlite3session_delete(session_); }

std::string ChangeRecorder::changeset() {
  int size = 0;
  void* bytes = nullptr;
  int rc = sqlite3session_changeset(session_, &size, &bytes);
  if (rc != SQLITE_OK) throw StoreError(rc, "sqlite3session_changeset failed");
  std::string out(static_cast<const char*>(bytes), static_cast<std::size_t>(size));
  sqlite3_free(bytes);
  return out;
}

void undo_changeset(Database& db, const std::string& changeset) {
  if (changeset.empty()) return;
  int rc = sqlite3changeset_apply_v2(db.handle(), static_cast<int>(changeset.size()),
                                     const_cast<char*>(changeset.data()), nullptr, on_conflict, nullptr, nullptr,
                                     nullptr, SQLITE_CHANGESETAPPLY_INVERT | SQLITE_CHANGESETAPPLY_NOSAVEPOINT |
                                         SQLITE_CHANGESETAPPLY_FKNOACTION);
  if (rc != SQLITE_OK) throw StoreError(rc, "undoing a change failed: " + std::string(sqlite3_errmsg(db.handle())));
}

}  // namespace quittance::store
