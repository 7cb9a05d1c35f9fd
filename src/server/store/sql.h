// One connection to the server's own database, whichever engine holds it: SQLite (the embedded
// default, DATA/server.db) or PostgreSQL (a hosted service, several server processes). Every
// server module writes its SQL through this, in the dialect both engines share:
//   - `?` placeholders (PostgreSQL's connection numbers them $1, $2…);
//   - INSERT … ON CONFLICT … DO NOTHING / DO UPDATE, and RETURNING, never INSERT OR IGNORE;
//   - no SQLite-only functions (strftime, julianday…): times are computed in C++ and bound;
//   - integers as BIGINT-sized INTEGER, text as TEXT; every table that a query orders by
//     insertion has a `rowid` column (SQLite's own, an identity column in PostgreSQL).
// Errors throw store::StoreError with a SQLite result code, PostgreSQL's SQLSTATEs mapped onto
// them (a unique violation is a constraint, a full disk is SQLITE_FULL), so that callers catch
// one kind of error whatever the engine.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "store/database.h"

namespace quittance::server {

// What an engine's statement does; SqlStatement is the value callers hold.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind(int index, std::int64_t value) = 0;
  virtual void bind(int index, std::string_view value) = 0;
  virtual void bind_null(int index) = 0;
  virtual bool step() = 0;
  virtual void reset() = 0;
  virtual std::int64_t column_int64(int index) const = 0;
  virtual std::string column_text(int index) const = 0;
  virtual bool column_is_null(int index) const = 0;
  virtual int column_count() const = 0;
};

// A prepared statement: bind parameters (from 1), step through the rows, read columns (from 0).
// A statement that returns no rows runs at its first step().
class SqlStatement {
 public:
  explicit SqlStatement(std::unique_ptr<StatementImpl> impl) : impl_(std::move(impl)) {}

  SqlStatement& bind(int index, std::int64_t value) {
    impl_->bind(index, value);
    return *this;
  }
  SqlStatement& bind(int index, std::string_view value) {
    impl_->bind(index, value);
    return *this;
  }
  SqlStatement& bind_null(int index) {
    impl_->bind_null(index);
    return *this;
  }

  bool step() { return impl_->step(); }  // true while a row is available
  void reset() { impl_->reset(); }      // to run again: bind every parameter again

  std::int64_t column_int64(int index) const { return impl_->column_int64(index); }
  std::string column_text(int index) const { return impl_->column_text(index); }  // "" for NULL
  bool column_is_null(int index) const { return impl_->column_is_null(index); }
  int column_count() const { return impl_->column_count(); }

 private:
  std::unique_ptr<StatementImpl> impl_;
};

class Sql {
 public:
  enum class Engine { sqlite, postgres };

  virtual ~Sql() = default;
  virtual Engine engine() const = 0;

  // Runs statements without parameters (several, separated by ';').
  virtual void exec(std::string_view sql) = 0;
  virtual SqlStatement prepare(std::string_view sql) = 0;
  // The first column of the first row of a query without parameters (a COUNT); 0 when no row.
  std::int64_t scalar(std::string_view sql) {
    SqlStatement st = prepare(sql);
    return st.step() ? st.column_int64(0) : 0;
  }
  // Rows inserted, updated or deleted by this connection since it opened: the difference
  // across a statement says whether it did anything (an ON CONFLICT DO NOTHING that did not).
  virtual std::int64_t total_changes() const = 0;

  // Makes every other transaction that locks the same key wait until this one ends: what
  // keeps a clinic's log positions and events in commit order with several server processes.
  // Only inside transaction(); a no-op on SQLite, whose writers are serialised already.
  virtual void lock(std::string_view key) = 0;

  // Takes `key`'s lock for as long as this connection lives, if no other connection holds it:
  // false when one does. SQLite: always true (one process).
  virtual bool try_lock_session(std::string_view key) = 0;

  // The open transaction's commit need not wait for the disk: for counters whose last
  // increments may be lost in a crash at no cost (quotas, rate limits), never for anything
  // acknowledged to a device or to Stripe. PostgreSQL: synchronous_commit off for this
  // transaction; SQLite: nothing (one process, its commits are cheap).
  virtual void relax_durability() = 0;

  // The schema version the migrations brought this database to (0: empty).
  virtual int schema_version() = 0;
  virtual void set_schema_version(int version) = 0;

  // Runs `body` in a transaction; COMMIT, or ROLLBACK and rethrow on any exception. Inside an
  // open transaction it nests as a savepoint: a failing inner body undoes only itself.
  template <class Body>
  void transaction(Body&& body) {
    const bool nested = in_transaction();
    if (nested) {
      exec("SAVEPOINT nested");
    } else {
      begin();
    }
    try {
      body();
      exec(nested ? "RELEASE SAVEPOINT nested" : "COMMIT");
    } catch (...) {
      if (nested) {
        rollback_savepoint_quietly();
      } else {
        rollback_quietly();
      }
      throw;
    }
  }
  virtual bool in_transaction() const = 0;

 protected:
  virtual void begin() = 0;  // a write transaction, taken at once
  virtual void rollback_quietly() noexcept = 0;
  virtual void rollback_savepoint_quietly() noexcept = 0;
};

}  // namespace quittance::server
