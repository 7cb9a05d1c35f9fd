// A thin RAII wrapper over one SQLite connection and its prepared statements.
// Errors throw StoreError, carrying SQLite's result code and message; the command layer turns
// them into JSON errors, so nothing above the store sees a raw sqlite3 pointer.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace quittance::store {

class StoreError : public std::runtime_error {
 public:
  StoreError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }  // SQLite primary or extended result code
  // True when the disk (or the browser's quota) is full: the caller keeps its data in memory.
  bool disk_full() const;
  // True for a constraint the data broke (a duplicate key): a refusal, not a storage failure.
  bool constraint() const;

 private:
  int code_;
};

// The connection's compiled statements not in use, by SQL text: a statement prepared again is
// taken from here instead of being compiled again (sync applies thousands of commands, each
// preparing the same few dozen statements). Shared with the statements, so that one outliving
// its connection finalizes itself instead of coming back.
struct StatementCache;

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql, std::shared_ptr<StatementCache> cache = nullptr);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, std::string_view bytes);

  bool step();  // true while a row is available; false when done
  void reset();

  std::int64_t column_int64(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;
  std::string column_blob(int index) const;
  int column_count() const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;                       // the key it goes back under
  std::shared_ptr<StatementCache> cache_;  // null: finalized when done
};

class Database {
 public:
  // Opens (creating if needed) the database at `path`; ":memory:" for a private in-memory one.
  static Database open(const std::string& path);
  ~Database();
  Database(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  // The first column of the first row of a query without parameters (a COUNT); 0 when no row.
  std::int64_t scalar(std::string_view sql);
  std::int64_t total_changes() const;
  // Runs PRAGMA quick_check: "ok", or SQLite's description of the damage.
  std::string quick_check();
  // The same with PRAGMA integrity_check, which also reads every index against its table.
  std::string integrity_check();
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }  // for SQLite's session extension (store/changes.h)

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back and rethrows on any exception.
  // Inside an open transaction it nests as a savepoint, so a caller may batch many commands
  // in one transaction (an import, the generator) and a failing one still undoes only itself.
  template <class Body>
  void transaction(Body&& body) {
    const bool nested = in_transaction();
    exec(nested ? "SAVEPOINT nested" : "BEGIN IMMEDIATE");
    try {
      body();
      if (!nested && before_commit_) before_commit_(*this);
      exec(nested ? "RELEASE nested" : "COMMIT");
    } catch (...) {
      if (nested) {
        rollback_savepoint_quietly();
      } else {
        rollback_quietly();
      }
      throw;
    }
  }
  bool in_transaction() const;
  // Work deferred to the end of the outermost transaction() (not a savepoint inside it), run
  // before it commits: derived data kept up to date once per transaction rather than at every
  // statement (the patients' search index, store/search_index.h). A transaction opened by hand
  // (exec("BEGIN")) must run it itself.
  void set_before_commit(void (*work)(Database&)) { before_commit_ = work; }

 private:
  friend struct BackupAccess;  // store/backup.cpp: sqlite3_serialize and sqlite3_deserialize
  Database(sqlite3* db, std::string path);
  void rollback_quietly() noexcept;
  std::string check(std::string_view pragma);
  void rollback_savepoint_quietly() noexcept;
  sqlite3* db_;
  std::string path_;
  std::shared_ptr<StatementCache> cache_;
  void (*before_commit_)(Database&) = nullptr;
};

}  // namespace quittance::store
