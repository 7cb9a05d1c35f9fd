// The server's database on PostgreSQL, through libpq. See postgres_sql.h.
#include "server/store/postgres_sql.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

namespace quittance::server {

namespace {

// PostgreSQL's SQLSTATE as the SQLite result code callers already test (StoreError::constraint,
// disk_full): the same refusal reads the same whatever the engine.
int sqlite_code_of(const char* sqlstate) {
  if (!sqlstate) return SQLITE_IOERR;                         // no answer: the connection dropped
  const std::string state(sqlstate);
  if (state.rfind("23", 0) == 0) return SQLITE_CONSTRAINT;    // integrity constraint violation
  if (state == "53100") return SQLITE_FULL;                   // disk_full
  if (state.rfind("53", 0) == 0) return SQLITE_NOMEM;         // insufficient resources
  if (state == "40001" || state == "40P01") return SQLITE_BUSY;  // serialization failure, deadlock
  if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) return SQLITE_IOERR;  // connection, shutdown
  if (state.rfind("22", 0) == 0) return SQLITE_MISMATCH;      // data exception (bad UTF-8, range)
  return SQLITE_ERROR;
}

void ignore_notice(void*, const char*) {}

// libpq's messages end with a newline; ours are one line.
std::string without_trailing_space(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

constexpr Oid kBoolType = 16;  // BOOLOID, in the server's catalog.h, not in libpq-fe.h

}  // namespace

std::string number_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int largest = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {  // a quoted string or identifier, '' and "" doubled inside
      const std::size_t end = sql.find(c, i + 1);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {  // a comment to the line's end
      const std::size_t end = sql.find('\n', i);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?') {
      std::size_t j = i + 1;
      int number = 0;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') number = number * 10 + (sql[j++] - '0');
      if (j == i + 1) number = largest + 1;
      if (number > largest) largest = number;
      out += '$';
      out += std::to_string(number);
      i = j - 1;
    } else {
      out += c;
    }
  }
  return out;
}

// --- statement ---------------------------------------------------------------------------

class PostgresStatement final : public StatementImpl {
 public:
  PostgresStatement(PostgresSql& conn, std::string sql) : conn_(conn), sql_(std::move(sql)) {}
  ~PostgresStatement() override { clear(); }

  void bind(int index, std::int64_t value) override { slot(index) = std::to_string(value); }
  void bind(int index, std::string_view value) override { slot(index) = std::string(value); }
  void bind_null(int index) override { slot(index).reset(); }

  bool step() override {
    if (!result_) run();
    return ++row_ < rows_;
  }
  void reset() override {
    clear();
    params_.clear();
  }

  std::int64_t column_int64(int index) const override {
    if (column_is_null(index)) return 0;
    const char* value = PQgetvalue(result_, row_, index);
    // A comparison or EXISTS is a boolean in PostgreSQL ('t'/'f'), an integer in SQLite.
    if (PQftype(result_, index) == kBoolType) return value[0] == 't' ? 1 : 0;
    return std::strtoll(value, nullptr, 10);
  }
  std::string column_text(int index) const override {
    if (column_is_null(index)) return {};
    return std::string(PQgetvalue(result_, row_, index), static_cast<std::size_t>(PQgetlength(result_, row_, index)));
  }
  bool column_is_null(int index) const override {
    return !result_ || row_ < 0 || row_ >= rows_ || PQgetisnull(result_, row_, index);
  }
  int column_count() const override { return result_ ? PQnfields(result_) : 0; }

 private:
  std::optional<std::string>& slot(int index) {
    if (params_.size() < static_cast<std::size_t>(index)) params_.resize(static_cast<std::size_t>(index));
    return params_[static_cast<std::size_t>(index) - 1];
  }
  void run() {
    const std::string& name = conn_.prepared(sql_);
    std::vector<const char*> values;
    std::vector<int> lengths;
    for (const auto& p : params_) {
      values.push_back(p ? p->c_str() : nullptr);
      lengths.push_back(p ? static_cast<int>(p->size()) : 0);
    }
    PGresult* result = PQexecPrepared(conn_.conn_, name.c_str(), static_cast<int>(values.size()), values.data(),
                                      lengths.data(), nullptr, 0);
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) conn_.fail("query", result);
    conn_.count_changes(result);
    result_ = result;
    rows_ = PQntuples(result);
    row_ = -1;
  }
  void clear() {
    if (result_) PQclear(result_);
    result_ = nullptr;
    rows_ = 0;
    row_ = -1;
  }

  PostgresSql& conn_;
  std::string sql_;  // numbered
  std::vector<std::optional<std::string>> params_;
  PGresult* result_ = nullptr;
  int rows_ = 0;
  int row_ = -1;
};

// --- connection --------------------------------------------------------------------------

PostgresSql::PostgresSql(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = without_trailing_space(conn_ ? PQerrorMessage(conn_) : "out of memory");
    PQfinish(conn_);
    conn_ = nullptr;
    throw store::StoreError(SQLITE_CANTOPEN, "cannot connect to PostgreSQL: " + message);
  }
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);  // "relation exists, skipping" and the like
}

PostgresSql::~PostgresSql() { PQfinish(conn_); }

void PostgresSql::fail(const char* what, void* raw) {
  PGresult* result = static_cast<PGresult*>(raw);
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = without_trailing_space(result ? PQresultErrorMessage(result) : "");
  if (message.empty()) message = without_trailing_space(PQerrorMessage(conn_));
  const int code = sqlite_code_of(state);
  const std::string full = std::string(what) + ": " + message + (state ? std::string(" (SQLSTATE ") + state + ")" : "");
  if (result) PQclear(result);
  throw store::StoreError(code, full);
}

void PostgresSql::count_changes(void* raw) {
  const char* tuples = PQcmdTuples(static_cast<PGresult*>(raw));
  if (tuples && *tuples) changes_ += std::strtoll(tuples, nullptr, 10);
}

void PostgresSql::exec(std::string_view sql) {
  const std::string text(sql);
  PGresult* result = PQexec(conn_, text.c_str());
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("exec", result);
  count_changes(result);
  PQclear(result);
}

const std::string& PostgresSql::prepared(const std::string& sql) {
  auto found = prepared_.find(sql);
  if (found != prepared_.end()) return found->second;
  const std::string name = "q" + std::to_string(prepared_.size());
  PGresult* result = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
  if (PQresultStatus(result) != PGRES_COMMAND_OK) fail("prepare", result);
  PQclear(result);
  return prepared_.emplace(sql, name).first->second;
}

SqlStatement PostgresSql::prepare(std::string_view sql) {
  return SqlStatement(std::make_unique<PostgresStatement>(*this, number_placeholders(sql)));
}

void PostgresSql::lock(std::string_view key) {
  SqlStatement s = prepare("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))");
  s.bind(1, key);
  s.step();
}

bool PostgresSql::try_lock_session(std::string_view key) {
  SqlStatement s = prepare("SELECT pg_try_advisory_lock(hashtextextended(?, 0))");
  s.bind(1, key);
  return s.step() && s.column_int64(0) == 1;
}

int PostgresSql::schema_version() {
  if (scalar("SELECT CAST(to_regclass('quittance_schema') IS NOT NULL AS INTEGER)") == 0) return 0;
  return static_cast<int>(scalar("SELECT COALESCE(MAX(version), 0) FROM quittance_schema"));
}

void PostgresSql::set_schema_version(int version) {
  exec("CREATE TABLE IF NOT EXISTS quittance_schema (version BIGINT NOT NULL); DELETE FROM quittance_schema");
  exec("INSERT INTO quittance_schema(version) VALUES (" + std::to_string(version) + ")");
}

bool PostgresSql::in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

void PostgresSql::rollback_quietly() noexcept {
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
  PQclear(PQexec(conn_, "ROLLBACK"));
}

void PostgresSql::rollback_savepoint_quietly() noexcept {
  PQclear(PQexec(conn_, "ROLLBACK TO SAVEPOINT nested"));
  PQclear(PQexec(conn_, "RELEASE SAVEPOINT nested"));
}

bool PostgresSql::make_ready(bool* reconnected) noexcept {
  if (PQstatus(conn_) != CONNECTION_OK) {
    if (reconnected) *reconnected = true;
    PQreset(conn_);
    prepared_.clear();  // a new session knows none of them
    if (PQstatus(conn_) != CONNECTION_OK) return false;
    PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
  }
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) PQclear(PQexec(conn_, "ROLLBACK"));
  return PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

}  // namespace quittance::server
