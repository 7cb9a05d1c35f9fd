// Server database: migrations and opening. See store/server_db.h.
#include "server/store/server_db.h"

#include <sqlite3.h>

#include <algorithm>
#include <ctime>
#include <stdexcept>
#include <iostream>

#include "core/schedule.h"
#include "server/devices/devices.h"
#include "server/store/postgres_sql.h"
#include "server/store/sqlite_sql.h"
#include "server/sync/log_repair.h"
#include "server/sync/server_events.h"

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
        -- Verified Stripe webhook events, once each, as received (see stripe/events.h).
        CREATE TABLE stripe_events (
          id          TEXT PRIMARY KEY NOT NULL,  -- Stripe's evt_...
          type        TEXT NOT NULL,
          received_at TEXT NOT NULL,
          payload     TEXT NOT NULL               -- the raw signed body
        ) STRICT;
      )sql"},
      {3, R"sql(
        -- Card payments through Stripe (stripe/payments.h). No card number is ever here: Stripe
        -- holds the cards; we keep its ids and what a person needs to recognise a card.
        CREATE TABLE stripe_customers (
          clinic_id   TEXT NOT NULL REFERENCES clinics(id),
          patient_id  TEXT NOT NULL,             -- the app's patient id
          customer_id TEXT NOT NULL UNIQUE,      -- Stripe's cus_...
          created_at  TEXT NOT NULL,
          PRIMARY KEY (clinic_id, patient_id)
        ) STRICT;
        CREATE TABLE saved_cards (
          payment_method_id TEXT PRIMARY KEY NOT NULL,  -- Stripe's pm_...
          clinic_id   TEXT NOT NULL REFERENCES clinics(id),
          patient_id  TEXT NOT NULL,
          brand       TEXT NOT NULL,             -- "visa", "mastercard", ...
          last4       TEXT NOT NULL,
          exp_month   INTEGER NOT NULL,
          exp_year    INTEGER NOT NULL,
          created_at  TEXT NOT NULL,
          detached    INTEGER NOT NULL DEFAULT 0 CHECK (detached IN (0, 1))
        ) STRICT;
        CREATE INDEX saved_cards_by_patient ON saved_cards(clinic_id, patient_id);
        -- Card set-ups asked for by the app, so that setup_intent.succeeded finds its patient.
        CREATE TABLE card_setups (
          setup_intent_id TEXT PRIMARY KEY NOT NULL,  -- seti_...
          clinic_id   TEXT NOT NULL REFERENCES clinics(id),
          patient_id  TEXT NOT NULL,
          command_id  TEXT NOT NULL,
          created_at  TEXT NOT NULL,
          UNIQUE (clinic_id, command_id)
        ) STRICT;
        -- One row per payment intent: those the app asked for are written before Stripe is
        -- called, so a crash or a network cut leaves 'pending', and the app's retry (same
        -- command id, so the same Idempotency-Key) learns the outcome instead of charging again.
        CREATE TABLE charges (
          clinic_id         TEXT NOT NULL REFERENCES clinics(id),
          command_id        TEXT NOT NULL,       -- '' for a payment that began elsewhere
          payment_intent_id TEXT UNIQUE,         -- pi_..., once Stripe answered
          invoice_id        TEXT NOT NULL,
          patient_id        TEXT NOT NULL,
          amount            INTEGER NOT NULL CHECK (amount > 0),
          currency          TEXT NOT NULL,
          payment_method_id TEXT NOT NULL DEFAULT '',  -- the saved card charged (pm_...)
          paid_on           TEXT NOT NULL,       -- the app's date when it asked
          status            TEXT NOT NULL CHECK (status IN
                              ('pending', 'processing', 'succeeded', 'failed')),
          fee               INTEGER NOT NULL DEFAULT 0,
          refunded          INTEGER NOT NULL DEFAULT 0,
          decline_code      TEXT NOT NULL DEFAULT '',
          created_at        TEXT NOT NULL,
          updated_at        TEXT NOT NULL,
          id                INTEGER PRIMARY KEY
        ) STRICT;
        CREATE UNIQUE INDEX charges_by_command ON charges(clinic_id, command_id) WHERE command_id != '';
        CREATE INDEX charges_by_invoice ON charges(clinic_id, invoice_id);
        CREATE TABLE stripe_refunds (
          refund_id         TEXT PRIMARY KEY NOT NULL,  -- re_...
          clinic_id         TEXT NOT NULL REFERENCES clinics(id),
          payment_intent_id TEXT NOT NULL,
          command_id        TEXT,               -- null for a refund made in Stripe's dashboard
          amount            INTEGER NOT NULL CHECK (amount > 0),
          created_at        TEXT NOT NULL
        ) STRICT;
        -- What happened on the server that the clinic's devices must learn (a payment
        -- succeeded, a card was saved...), in order. Devices pull after the last seq they saw;
        -- `key` makes each fact an event once, whether it came from an API answer or a webhook.
        CREATE TABLE server_events (
          seq        INTEGER PRIMARY KEY AUTOINCREMENT,
          clinic_id  TEXT NOT NULL REFERENCES clinics(id),
          key        TEXT NOT NULL,
          kind       TEXT NOT NULL,
          body       TEXT NOT NULL,             -- JSON object
          created_at TEXT NOT NULL,
          UNIQUE (clinic_id, key)
        ) STRICT;
        -- The answers of the payment routes by the app's command id, so that a retry of a
        -- finished request (the app lost our answer) gets the same answer without a second
        -- call to Stripe, even after Stripe's idempotency keys expire (24 h).
        CREATE TABLE api_requests (
          clinic_id  TEXT NOT NULL REFERENCES clinics(id),
          command_id TEXT NOT NULL,
          route      TEXT NOT NULL,
          request    TEXT NOT NULL,             -- canonical JSON of the arguments
          status     INTEGER,                   -- HTTP status of the final answer; null: unfinished
          answer     TEXT,
          created_at TEXT NOT NULL,
          PRIMARY KEY (clinic_id, command_id)
        ) STRICT;
        -- Webhook events are applied once: this marks the ones already applied.
        ALTER TABLE stripe_events ADD COLUMN applied INTEGER NOT NULL DEFAULT 0;
      )sql"},
      {4, R"sql(
        -- The clinic's operation log (sync/op_log.h, docs/sync.md): every device's operations in the
        -- one order all devices apply them, each once by its id. Kept for years: it is the
        -- backup a wiped browser is rebuilt from.
        CREATE TABLE sync_ops (
          clinic_id   TEXT NOT NULL REFERENCES clinics(id),
          seq         INTEGER NOT NULL,
          op_id       TEXT NOT NULL,
          device_id   TEXT NOT NULL,   -- the device that pushed it
          op          TEXT NOT NULL,   -- the operation as sent (JSON), without its seq
          received_at TEXT NOT NULL,
          PRIMARY KEY (clinic_id, seq),
          UNIQUE (clinic_id, op_id)
        ) STRICT;
      )sql"},
      {5, R"sql(
        -- Each paired device numbers its documents in its own series (A, B…, given at pairing),
        -- so that two devices offline never issue the same number. NULL for the device
        -- create-clinic makes (a token for scripts, not a device that issues documents).
        ALTER TABLE devices ADD COLUMN series TEXT;
      )sql"},
      {6, R"sql(
        -- Billing emails and reminders (docs/emails.md): one row per template and invoice,
        -- planned from the clinic's books, sent at most once. 'sending' is written before the
        -- SMTP conversation: a row found in it at start-up was interrupted, and is reported as
        -- failed rather than sent again.
        CREATE TABLE mail_outbox (
          clinic_id       TEXT NOT NULL REFERENCES clinics(id),
          id              TEXT NOT NULL,   -- "<template>:<invoice>"
          template_id     TEXT NOT NULL,
          invoice_id      TEXT NOT NULL,
          patient_id      TEXT NOT NULL,
          template_name   TEXT NOT NULL,
          reminder        INTEGER NOT NULL,  -- 1: only while unpaid, not to excluded patients
          issued_at       INTEGER NOT NULL,  -- the invoice's, Unix seconds: due_at counts from it
          due_at          INTEGER NOT NULL,  -- Unix seconds
          next_attempt_at INTEGER NOT NULL,
          state           TEXT NOT NULL CHECK (state IN ('scheduled', 'sending', 'sent', 'failed', 'cancelled')),
          attempts        INTEGER NOT NULL DEFAULT 0,
          recipient       TEXT NOT NULL DEFAULT '',
          error           TEXT NOT NULL DEFAULT '',
          sent_at         INTEGER,
          retry_seen      TEXT NOT NULL DEFAULT '',  -- the device's last retry request honoured
          version         INTEGER NOT NULL DEFAULT 0,  -- one server event per change
          PRIMARY KEY (clinic_id, id)
        ) STRICT;
        CREATE INDEX mail_outbox_open ON mail_outbox(clinic_id, state, due_at);
        -- How far each active template was planned: the activation it was planned for, and the
        -- clinic's log position. A pass looks only at invoices issued by later operations, and an
        -- invoice issued offline reaches the log late but is still planned.
        CREATE TABLE mail_plans (
          clinic_id    TEXT NOT NULL REFERENCES clinics(id),
          template_id  TEXT NOT NULL,
          active_since TEXT NOT NULL,
          planned_seq  INTEGER NOT NULL,
          PRIMARY KEY (clinic_id, template_id)
        ) STRICT;
      )sql"},
      {7, R"sql(
        -- The patient payment page (docs/payment_requests.md): which clinic a link /pay/<token>
        -- is of, written when the operation that made the request reaches the log. Only the
        -- token's SHA-256: this database never holds a link that works.
        CREATE TABLE pay_links (
          token_hash TEXT PRIMARY KEY NOT NULL,  -- lower-case hex
          clinic_id  TEXT NOT NULL REFERENCES clinics(id),
          created_at TEXT NOT NULL
        ) STRICT;
        -- A payment or a card set-up made from a request's page: the request it pays (its id
        -- in the books), and for a payment the part of the amount that is the card fee passed
        -- on to the patient (not booked against the invoices).
        ALTER TABLE charges ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE charges ADD COLUMN surcharge INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX charges_by_request ON charges(clinic_id, request_id) WHERE request_id != '';
        ALTER TABLE card_setups ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
        -- The card a set-up saved (pm_...), once Stripe said it succeeded; '' until then.
        ALTER TABLE card_setups ADD COLUMN payment_method_id TEXT NOT NULL DEFAULT '';
        CREATE INDEX card_setups_by_request ON card_setups(clinic_id, request_id) WHERE request_id != '';
      )sql"},
      {8, R"sql(
        -- The most a device may do (docs/security.md, « Roles »): set by an owner when the
        -- pairing code is made, checked by the server on every route and every operation the
        -- device pushes, whatever role the device says its user has. Devices paired before it
        -- existed keep every right they had.
        ALTER TABLE devices ADD COLUMN role TEXT NOT NULL DEFAULT 'owner'
          CHECK (role IN ('owner', 'billing', 'practitioner', 'read_only'));
        ALTER TABLE pairing_codes ADD COLUMN role TEXT NOT NULL DEFAULT 'owner'
          CHECK (role IN ('owner', 'billing', 'practitioner', 'read_only'));
        -- Operations an older server let into a log unchecked, each replaced by a refusal
        -- (sync/log_repair.h): the row as it was, for whoever wants to know what it held.
        CREATE TABLE op_log_repairs (
          clinic_id   TEXT NOT NULL,
          seq         INTEGER NOT NULL,
          op_id       TEXT NOT NULL,
          original    TEXT NOT NULL,
          code        TEXT NOT NULL,
          message     TEXT NOT NULL,
          repaired_at TEXT NOT NULL,
          PRIMARY KEY (clinic_id, seq)
        ) STRICT;
        -- Which version of the checks the whole log was last held to (sync/log_repair.cpp).
        CREATE TABLE op_log_checks (
          version    INTEGER NOT NULL,
          checked_at TEXT NOT NULL,
          repaired   INTEGER NOT NULL
        ) STRICT;
      )sql"},
      {9, R"sql(
        -- What each clinic's operation log holds, kept by push_ops in the push's transaction:
        -- the clinic's storage quota is checked against it without summing the log.
        CREATE TABLE clinic_log_usage (
          clinic_id TEXT PRIMARY KEY NOT NULL REFERENCES clinics(id),
          bytes     INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        INSERT INTO clinic_log_usage(clinic_id, bytes)
          SELECT clinic_id, SUM(length(CAST(op AS BLOB))) FROM sync_ops GROUP BY clinic_id;
      )sql"},
      {10, R"sql(
        -- Each clinic's own Stripe account in platform mode (stripe/accounts.h), with what Stripe
        -- last said of it (fetched at each account.updated: deliveries come in any order).
        CREATE TABLE stripe_accounts (
          clinic_id         TEXT PRIMARY KEY NOT NULL REFERENCES clinics(id),
          account_id        TEXT NOT NULL UNIQUE,
          country           TEXT NOT NULL,
          charges_enabled   INTEGER NOT NULL DEFAULT 0,
          payouts_enabled   INTEGER NOT NULL DEFAULT 0,
          details_submitted INTEGER NOT NULL DEFAULT 0,
          requirements      TEXT NOT NULL DEFAULT '{}',
          deauthorized      INTEGER NOT NULL DEFAULT 0,
          created_at        TEXT NOT NULL,
          updated_at        TEXT NOT NULL
        ) STRICT;
      )sql"},
      {11, R"sql(
        -- The limits every server process shares when several serve the same clinics
        -- (PostgreSQL): failed attempts per caller in a sliding window (http/rate_limit.h),
        -- and operations per device and clinic in the current minute (sync/quotas.h). Unused
        -- by a single process on SQLite, which counts them in memory; kept in both schemas so
        -- that one version number means one schema.
        CREATE TABLE rate_limit_hits (
          limiter TEXT NOT NULL,     -- which limit: "pairing", "pay-calls", "pay-misses"
          caller  TEXT NOT NULL,     -- the remote address, or what the limit counts against
          at      INTEGER NOT NULL   -- Unix seconds
        ) STRICT;
        CREATE INDEX rate_limit_hits_by_caller ON rate_limit_hits(limiter, caller, at);
        CREATE TABLE quota_minutes (
          key    TEXT PRIMARY KEY NOT NULL,  -- "device:<id>" or "clinic:<id>"
          minute INTEGER NOT NULL,           -- Unix seconds / 60
          count  INTEGER NOT NULL
        ) STRICT;
      )sql"},
  };
  return migrations;
}

void migrate_server(Sql& sql) {
  const std::vector<store::Migration>& migrations =
      sql.engine() == Sql::Engine::sqlite ? server_migrations() : postgres_server_migrations();
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  for (const store::Migration& m : migrations) {
    bool newer = false;
    sql.transaction([&] {
      sql.lock("quittance-migrations");  // another process migrating: wait, then see its version
      const int current = sql.schema_version();
      if (current > newest) {
        newer = true;
        return;
      }
      if (current >= m.version) return;
      sql.exec(m.sql);
      sql.set_schema_version(m.version);
    });
    if (newer) {
      throw store::StoreError(SQLITE_ERROR, "the server database has a schema version newer than this Quittance knows (" +
                                                std::to_string(newest) + "): update Quittance");
    }
  }
}

std::unique_ptr<Sql> open_server_database(const std::string& data_dir, const std::string& database_url) {
  std::unique_ptr<Sql> sql;
  if (database_url.empty()) {
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
    sql = std::make_unique<SqliteSql>(std::move(db));
  } else {
    sql = std::make_unique<PostgresSql>(database_url);
  }
  migrate_server(*sql);
  // Once per version of the checks: a log poisoned before the server checked operations heals
  // here, before any replica reads it again.
  const std::int64_t repaired = repair_op_logs(*sql, core::format_utc_instant(std::time(nullptr)));
  if (repaired > 0) {
    std::cerr << "quittance-server: " << repaired << " operation(s) in the clinics' logs could not be applied; "
              << "each is now recorded as refused (table op_log_repairs keeps what they held)\n";
  }
  // Events born when each device pushed them into the log itself: the server writes those
  // that no device did (docs/sync.md, « Server facts »).
  if (const std::int64_t carried = carry_events_into_logs(*sql); carried > 0)
    std::cerr << "quittance-server: " << carried << " server event(s) written into the clinics' logs\n";
  return sql;
}

// --- SharedDatabase ---------------------------------------------------------------------

SharedDatabase::SharedDatabase(std::unique_ptr<Sql> first, std::string database_url, std::size_t max_connections)
    : engine_(first->engine()),
      url_(std::move(database_url)),
      max_(engine_ == Sql::Engine::sqlite ? 1 : std::max<std::size_t>(1, max_connections)),
      open_(1) {
  idle_.push_back(std::move(first));
}

SharedDatabase::~SharedDatabase() = default;

std::unique_ptr<Sql> SharedDatabase::connect_alone() const {
  if (engine_ != Sql::Engine::postgres) throw std::logic_error("SQLite has one connection, the pool's");
  return std::make_unique<PostgresSql>(url_);
}

std::unique_ptr<Sql> SharedDatabase::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
  std::unique_ptr<Sql> sql;
  if (!idle_.empty()) {
    sql = std::move(idle_.back());
    idle_.pop_back();
  } else {
    ++open_;
    lock.unlock();
    try {
      sql = std::make_unique<PostgresSql>(url_);
    } catch (...) {
      lock.lock();
      --open_;
      returned_.notify_one();
      throw;
    }
  }
  if (engine_ == Sql::Engine::postgres && !static_cast<PostgresSql&>(*sql).make_ready()) {
    release(nullptr);  // closed: its place is free for a connection that works
    throw store::StoreError(SQLITE_IOERR, "PostgreSQL is unreachable");
  }
  return sql;
}

void SharedDatabase::release(std::unique_ptr<Sql> sql) noexcept {
  // A PostgreSQL connection lost in the call is connected again (closed if the server is still
  // away). The usual cause is the server restarting, which lost every other connection too:
  // the idle ones are closed, so that the next calls open new ones instead of each failing
  // once on a dead one.
  bool reconnected = false;
  if (sql && engine_ == Sql::Engine::postgres && !static_cast<PostgresSql&>(*sql).make_ready(&reconnected)) {
    sql.reset();
    reconnected = true;
  }
  std::vector<std::unique_ptr<Sql>> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (reconnected) {
      dropped.swap(idle_);
      open_ -= dropped.size();
    }
    if (sql) {
      idle_.push_back(std::move(sql));
    } else {
      --open_;
    }
  }
  returned_.notify_all();
}  // `dropped` is closed here, outside the lock

}  // namespace quittance::server
