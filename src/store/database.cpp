// SQLite connection and statement wrappers. See database.h.
#include "store/database.h"

#include <sqlite3.h>

#include <unordered_map>
#include <utility>

namespace quittance::store {

struct StatementCache {
  static constexpr std::size_t kMaxIdle = 256;  // distinct statements kept; more are finalized
  bool open = true;                             // false once the connection is closing
  std::unordered_multimap<std::string, sqlite3_stmt*> idle;
};

namespace {
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw StoreError(db ? sqlite3_extended_errcode(db) : rc, message);
}
}  // namespace

bool StoreError::disk_full() const { return (code_ & 0xff) == SQLITE_FULL; }
bool StoreError::constraint() const { return (code_ & 0xff) == SQLITE_CONSTRAINT; }

// --- Statement -----------------------------------------------------------------

Statement::Statement(sqlite3* db, std::string_view sql, std::shared_ptr<StatementCache> cache)
    : db_(db), stmt_(nullptr), sql_(sql), cache_(std::move(cache)) {
  if (cache_) {
    auto it = cache_->idle.find(sql_);
    if (it != cache_->idle.end()) {
      stmt_ = it->second;
      cache_->idle.erase(it);
      return;
    }
  }
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, "prepare");
}

Statement::~Statement() {
  if (!stmt_) return;
  if (cache_ && cache_->open && cache_->idle.size() < StatementCache::kMaxIdle) {
    // Back, ready for its next use: no row pending (no lock held), no value bound.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    cache_->idle.emplace(std::move(sql_), stmt_);
    return;
  }
  sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      sql_(std::move(other.sql_)),
      cache_(std::move(other.cache_)) {}

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, "step");
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int64(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::string Statement::column_blob(int index) const {
  const void* bytes = sqlite3_column_blob(stmt_, index);
  if (!bytes) return {};
  return std::string(static_cast<const char*>(bytes), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }

bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

// --- Database ------------------------------------------------------------------

Database Database::open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = std::string("open ") + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    throw StoreError(rc, message);
  }
  sqlite3_extended_result_codes(db, 1);
  Database database(db, path);
  // A file that is not a database (or is damaged) fails here, before anything is written.
  database.exec("PRAGMA foreign_keys = ON");
  database.exec("PRAGMA busy_timeout = 5000");
  return database;
}

Database::Database(sqlite3* db, std::string path)
    : db_(db), path_(std::move(path)), cache_(std::make_shared<StatementCache>()) {}

Database::~Database() {
  if (cache_) {
    cache_->open = false;
    for (auto& [sql, stmt] : cache_->idle) sqlite3_finalize(stmt);
    cache_->idle.clear();
  }
  sqlite3_close_v2(db_);
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      cache_(std::move(other.cache_)),
      before_commit_(other.before_commit_) {}

void Database::exec(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw StoreError(sqlite3_extended_errcode(db_), "exec: " + message);
  }
}

Statement Database::prepare(std::string_view sql) { return Statement(db_, sql, cache_); }

std::int64_t Database::scalar(std::string_view sql) {
  Statement st = prepare(sql);
  return st.step() ? st.column_int64(0) : 0;
}

std::int64_t Database::total_changes() const { return sqlite3_total_changes64(db_); }

std::string Database::quick_check() { return check("PRAGMA quick_check"); }
std::string Database::integrity_check() { return check("PRAGMA integrity_check"); }

std::string Database::check(std::string_view pragma) {
  Statement st = prepare(pragma);
  std::string result;
  while (st.step()) {
    if (!result.empty()) result += "; ";
    result += st.column_text(0);
  }
  return result;
}

bool Database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Database::rollback_savepoint_quietly() noexcept {
  sqlite3_exec(db_, "ROLLBACK TO nested", nullptr, nullptr, nullptr);
  sqlite3_exec(db_, "RELEASE nested", nullptr, nullptr, nullptr);
}

void Database::rollback_quietly() noexcept {
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace quittance::store
