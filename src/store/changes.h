// What a command changed, recorded so it can be undone: sync applies every device's operations
// in the server's order, so operations made here and not yet accepted by the server are undone
// before earlier ones from other devices are applied, then made again (sync/replica.h).
// SQLite's session extension records the rows changed in every table but the journal, sync's
// own tables and the full-text indexes (their triggers follow the undone rows).
#pragma once
#include <string>

#include "store/database.h"

struct sqlite3_session;

namespace quittance::store {

class ChangeRecorder {
 public:
  // Records `db`'s changes until destroyed; `db` must outlive it.
  explicit ChangeRecorder(Database& db);
  ~ChangeRecorder();
  ChangeRecorder(const ChangeRecorder&) = delete;
  ChangeRecorder& operator=(const ChangeRecorder&) = delete;
  // The changes since construction, as a changeset (SQLite's binary format).
  std::string changeset();

 private:
  sqlite3_session* session_ = nullptr;
};

// Undoes a changeset recorded here, changes made after it having been undone first. Throws
// StoreError when the database no longer holds what the changeset says it wrote.
void undo_changeset(Database& db, const std::string& changeset);

}  // namespace quittance::store
