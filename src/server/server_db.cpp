// Server database: migrations and opening. See server_db.h.
#include "server/server_db.h"

#include <filesystem>

namespace quittance::server {

const std::vector<store::Migration>& server_migrations() {
  static const std::vector<store::Migration> migrations = {
      {1, R"sql(
        -- Facts about this server installation, one row per key. The creation time is written
        -- here, in the migration's transaction, so it is recorded exactly once.
        CREATE TABLE server_info (
          key   TEXT PRIMARY KEY NOT NULL,
          value TEXT NOT NULL
        ) STRICT;
        INSERT INTO server_info(key, value)
          VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
      )sql"},
      {2, R"sql(
        -- A clinic: one practice using Quittance, the owner of devices (and later of payments).
        CREATE TABLE clinics (
          id         TEXT PRIMARY KEY NOT NULL,  -- random UUID
          name       TEXT NOT NULL,
          created_at TEXT NOT NULL              -- UTC, 2026-01-02T03:04:05Z
        ) STRICT;
        -- A browser or computer allowed to call the API for its clinic. Only the SHA-256 of its
        -- token is kept: the token itself was shown once, to the device.
        CREATE TABLE devices (
          id         TEXT PRIMARY KEY NOT NULL,
          clinic_id  TEXT NOT NULL REFERENCES clinics(id),
          name       TEXT NOT NULL,
          token_hash TEXT NOT NULL UNIQUE,      -- lower-case hex; the lookup key of every request
          created_at TEXT NOT NULL,
          revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
        ) STRICT;
        CREATE INDEX devices_by_clinic ON devices(clinic_id);
        -- Short-lived, single-use codes that let a new device join a clinic; hashed like tokens.
        CREATE TABLE pairing_codes (
          code_hash  TEXT PRIMARY KEY NOT NULL,
          clinic_id  TEXT NOT NULL REFERENCES clinics(id),
          expires_at INTEGER NOT NULL,          -- Unix time
          used       INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
        ) STRICT;
        -- Verified Stripe webhook events, once each, as received (see stripe_events.h).
        CREATE TABLE stripe_events (
          id          TEXT PRIMARY KEY NOT NULL,  -- Stripe's evt_...
          type        TEXT NOT NULL,
          received_at TEXT NOT NULL,
          payload     TEXT NOT NULL               -- the raw signed body
        ) STRICT;
      )sql"},
  };
  return migrations;
}

store::Database open_server_database(const std::string& data_dir) {
  std::filesystem::path dir(data_dir);
  std::filesystem::create_directories(dir);  // throws if e.g. a file stands in the way
  store::Database db = store::Database::open((dir / "server.db").string());
  // WAL: a reader (a backup, the sqlite3 shell) no longer blocks the server's writes, nor they
  // it. synchronous stays FULL, SQLite's default: a Stripe event acknowledged with 200 must
  // survive a power cut, since Stripe will not send it again. The mode is persistent, kept in
  // the file; a file system that cannot do WAL (some network mounts) leaves the old mode,
  // which still works, so that is not an error.
  {
    store::Statement wal = db.prepare("PRAGMA journal_mode = WAL");
    wal.step();
  }
  store::migrate(db, server_migrations());
  return db;
}

}  // namespace quittance::server
