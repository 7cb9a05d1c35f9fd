// Backups of a clinic database as bytes: the whole file, taken from the live connection, and
// the checks a backup must pass before it may replace the clinic's data. The checks run on a
// private, read-only, in-memory copy of the bytes, so nothing is written until the user has
// seen what the backup holds ("Sauvegarde du 21/11/2026 : 120 patients, 3 400 factures") and
// confirmed.
//
// The store checks the container and the schema; the journal's hash chain is the command
// layer's to verify (app/backup_check.h), which runs these checks first.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/database.h"

namespace quittance::store {

// The database's pages as they stand, in one read transaction: a consistent image even
// while other connections write. Refuses (StoreError) inside a transaction of `db`, whose
// uncommitted changes would be part of the image. SQLite writes a page it fails to read as
// zeros: check_backup on the image catches that.
std::vector<unsigned char> serialize_database(Database& db);

enum class BackupStatus {
  Ok,
  NotSqlite,      // not an SQLite database at all
  NotQuittance,   // an SQLite database, but not a clinic's (no journal, unknown schema version)
  NewerSchema,    // from a newer Quittance: this one cannot read it
  Corrupt,        // PRAGMA integrity_check finds damage
  JournalBroken,  // the journal's hash chain does not verify (checked by the app layer)
};
// "ok", "not_sqlite", "not_quittance", "newer_schema", "corrupt", "journal_broken": stable
// codes, translated by the interface like the command errors.
const char* to_string(BackupStatus status);

struct BackupCheck {
  BackupStatus status = BackupStatus::Ok;
  std::string message;        // English, for logs and developers; "" when ok
  int schema_version = 0;     // PRAGMA user_version of the backup
  std::int64_t patients = 0;  // what the backup holds, to show before restoring
  std::int64_t invoices = 0;  // issued and cancelled invoices (drafts are not invoices yet)
  std::string last_entry_at;  // the last journal entry's time (UTC, ISO 8601); "" if none
  bool ok() const { return status == BackupStatus::Ok; }
};

// Checks backup bytes on a private read-only copy, in this order, stopping at the first
// problem: an SQLite header and a readable database (not_sqlite), a Quittance schema version
// and a journal table (not_quittance), a version not above ours (newer_schema),
// PRAGMA integrity_check (corrupt); then it counts what the backup holds and runs `more` on
// the opened copy, which may set a status of its own. The command layer's check_backup
// (app/backup_check.h) passes the journal verification here: call that one.
using BackupMoreChecks = std::function<void(Database& backup, BackupCheck& check)>;
BackupCheck check_backup(const unsigned char* data, std::size_t size, const BackupMoreChecks& more = nullptr);

// check_backup's pieces, for a check run a slice at a time between an interface's frames
// (app/backup_check_job.h). Reads that fail throw StoreError: refusal_for says what it means.
// A read-only in-memory copy of the bytes, opened defensively (the file is the user's pick).
Database open_backup_copy(const unsigned char* data, std::size_t size);
// The same without the copy (a 450 MB backup would take twice its size): the bytes must
// outlive the Database, and a WAL-mode file's header says rollback mode in them afterwards
// (bytes 18 and 19, as a restore writes it anyway).
Database open_backup_in_place(unsigned char* data, std::size_t size);
// The schema version (not Quittance's, newer) and the journal table.
BackupCheck check_backup_schema(Database& copy);
// The copy's tables, and the damage PRAGMA integrity_check finds in one of them and its
// indexes ("ok" for none). Table by table, the pages no table uses and the free list are not
// looked at: a restore's quick_check covers them when it opens the books.
std::vector<std::string> backup_tables(Database& copy);
std::string table_integrity(Database& copy, const std::string& table);
// What the backup holds, to show before restoring.
void count_backup_contents(Database& copy, BackupCheck& check);
// A read's failure as check_backup reports it (not_sqlite, corrupt); rethrows out of memory.
BackupCheck refusal_for(const StoreError& e);

}  // namespace quittance::store
