// Backup images and their checks. See backup.h.
#include "store/backup.h"

#include <sqlite3.h>

#include <cstring>

#include "store/migrations.h"

namespace quittance::store {

// The one place outside database.cpp that touches the raw connection (friend of Database).
struct BackupAccess {
  static sqlite3* handle(Database& db) { return db.db_; }
  static Database adopt(sqlite3* db, std::string path) { return Database(db, std::move(path)); }
};

namespace {

// Opens `image` (`size` bytes, at least a header's worth) as a read-only in-memory database;
// SQLite frees it when the database closes (or at once if it fails) when it `owned` it.
Database open_image(unsigned char* image, std::size_t size, bool owned) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(raw);
    if (owned) sqlite3_free(image);
    throw StoreError(rc, std::string("open a backup: ") + sqlite3_errstr(rc));
  }
  sqlite3_extended_result_codes(raw, 1);
  Database db = BackupAccess::adopt(raw, "backup (in memory)");  // closes `raw` if anything below throws
  // The bytes come from a file the user picked: do not let its schema run anything clever
  // (SQLite's "defense against the dark arts").
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  // A WAL-mode file (bytes 18 and 19 = 2) cannot be opened in memory: read it as rollback mode,
  // which changes nothing in its content.
  if (image[18] == 2) image[18] = 1;
  if (image[19] == 2) image[19] = 1;
  const auto bytes = static_cast<sqlite3_int64>(size);
  // With FREEONCLOSE, SQLite frees `image` on failure too.
  rc = sqlite3_deserialize(raw, "main", image, bytes, bytes,
                           SQLITE_DESERIALIZE_READONLY | (owned ? SQLITE_DESERIALIZE_FREEONCLOSE : 0));
  if (rc != SQLITE_OK) throw StoreError(rc, std::string("open a backup: ") + sqlite3_errmsg(raw));
  db.exec("PRAGMA cell_size_check = ON");
  return db;
}

void require_header(const unsigned char* data, std::size_t size) {
  static const char kMagic[] = "SQLite format 3";  // with its '\0', the first 16 bytes of every database
  if (size < 100 || std::memcmp(data, kMagic, sizeof kMagic) != 0) {
    throw StoreError(SQLITE_NOTADB, "not an SQLite database (no SQLite header)");
  }
}

}  // namespace

Database open_backup_copy(const unsigned char* data, std::size_t size) {
  require_header(data, size);
  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(size));
  if (!copy) throw StoreError(SQLITE_NOMEM, "open a backup: out of memory");
  std::memcpy(copy, data, size);
  return open_image(copy, size, /*owned=*/true);
}

Database open_backup_in_place(unsigned char* data, std::size_t size) {
  require_header(data, size);
  return open_image(data, size, /*owned=*/false);
}

namespace {

BackupCheck refused(BackupCheck check, BackupStatus status, std::string message) {
  check.status = status;
  check.message = std::move(message);
  return check;
}

// The store's checks, on the opened copy; reads that fail throw StoreError.
BackupCheck inspect(Database& db, const BackupMoreChecks& more) {
  BackupCheck check = check_backup_schema(db);
  if (!check.ok()) return check;
  std::string integrity;
  Statement st = db.prepare("PRAGMA integrity_check(10)");
  while (st.step()) integrity += (integrity.empty() ? "" : "; ") + st.column_text(0);
  if (integrity != "ok") return refused(check, BackupStatus::Corrupt, "integrity_check: " + integrity);
  count_backup_contents(db, check);
  if (more) more(db, check);
  return check;
}

}  // namespace

std::vector<unsigned char> serialize_database(Database& db) {
  if (db.in_transaction()) {
    throw StoreError(SQLITE_MISUSE, "serialize: inside a transaction, its uncommitted changes would be saved");
  }
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(BackupAccess::handle(db), "main", &size, 0);
  if (!bytes) {
    if (size == 0) return {};  // an empty database (never a clinic's, which is migrated)
    throw StoreError(size < 0 ? SQLITE_ERROR : SQLITE_NOMEM, "serialize: could not read the database");
  }
  std::vector<unsigned char> out(bytes, bytes + size);
  sqlite3_free(bytes);
  return out;
}

const char* to_string(BackupStatus status) {
  switch (status) {
    case BackupStatus::Ok:
      return "ok";
    case BackupStatus::NotSqlite:
      return "not_sqlite";
    case BackupStatus::NotQuittance:
      return "not_quittance";
    case BackupStatus::NewerSchema:
      return "newer_schema";
    case BackupStatus::Corrupt:
      return "corrupt";
    case BackupStatus::JournalBroken:
      return "journal_broken";
  }
  return "corrupt";
}

BackupCheck check_backup_schema(Database& db) {
  BackupCheck check;
  check.schema_version = schema_version(db);
  db.scalar("SELECT COUNT(*) FROM sqlite_schema");  // junk past a valid header fails here
  const int newest = clinic_migrations().back().version;
  if (check.schema_version < clinic_migrations().front().version) {
    return refused(check, BackupStatus::NotQuittance,
                   "no Quittance schema version (user_version " + std::to_string(check.schema_version) + ")");
  }
  if (check.schema_version > newest) {
    return refused(check, BackupStatus::NewerSchema,
                   "schema version " + std::to_string(check.schema_version) + " is newer than this Quittance's (" +
                       std::to_string(newest) + ")");
  }
  if (db.scalar("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'journal'") == 0) {
    return refused(check, BackupStatus::NotQuittance, "no journal table");
  }
  return check;
}

std::vector<std::string> backup_tables(Database& db) {
  std::vector<std::string> tables;
  Statement st = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND rootpage > 0 ORDER BY name");
  while (st.step()) tables.push_back(st.column_text(0));
  return tables;
}

std::string table_integrity(Database& db, const std::string& table) {
  std::string found;
  std::string quoted;  // the name comes from the user's file: quoted as SQL quotes it
  for (char c : table) quoted += c == '"' ? std::string(2, c) : std::string(1, c);
  Statement st = db.prepare("PRAGMA integrity_check(\"" + quoted + "\")");
  while (st.step()) found += (found.empty() ? "" : "; ") + st.column_text(0);
  return found;
}

void count_backup_contents(Database& db, BackupCheck& check) {
  check.patients = db.scalar("SELECT COUNT(*) FROM patients");
  check.invoices = db.scalar("SELECT COUNT(*) FROM invoices WHERE state <> 'draft'");
  Statement last = db.prepare("SELECT at FROM journal ORDER BY seq DESC LIMIT 1");
  if (last.step()) check.last_entry_at = last.column_text(0);
}

BackupCheck refusal_for(const StoreError& e) {
  const int primary = e.code() & 0xff;
  // Out of memory: said as a failed restore rather than damage, since it may be this device's
  // (a damaged file can also ask SQLite for an allocation past its limit: tests/fuzz found a
  // 486-byte one). Every caller catches it.
  if (primary == SQLITE_NOMEM) throw e;
  // NOTADB: not a database. Anything else a read can fail with (CORRUPT, a short read of a
  // truncated file, a malformed schema) is damage.
  return refused({}, primary == SQLITE_NOTADB ? BackupStatus::NotSqlite : BackupStatus::Corrupt, e.what());
}

BackupCheck check_backup(const unsigned char* data, std::size_t size, const BackupMoreChecks& more) {
  try {
    Database db = open_backup_copy(data, size);
    return inspect(db, more);
  } catch (const StoreError& e) {
    return refusal_for(e);
  }
}

}  // namespace quittance::store
