// Argument readers. See args.h.
#include "app/args.h"

#include "core/money.h"

#include <tuple>

#include "app/command_error.h"

namespace quittance::app {

namespace {
[[noreturn]] void bad(const char* field, const std::string& why) {
  refuse("invalid_argument", std::string("\"") + field + "\" " + why, field);
}
std::string too_large(const char* field) {
  return std::string("\"") + field + "\" is more than the largest amount (" + std::to_string(core::kMaxAmount) +
         " in minor units)";
}
}  // namespace

bool has(const Json& cmd, const char* field) { return cmd.contains(field) && !cmd[field].is_null(); }

std::string require_string(const Json& cmd, const char* field, std::size_t max_bytes) {
  if (!has(cmd, field)) bad(field, "is missing");
  const Json& v = cmd[field];
  if (!v.is_string()) bad(field, "must be a string");
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() > max_bytes) bad(field, "is longer than " + std::to_string(max_bytes) + " bytes");
  return s;
}

std::string optional_string(const Json& cmd, const char* field, std::size_t max_bytes) {
  return has(cmd, field) ? require_string(cmd, field, max_bytes) : std::string();
}

std::string require_text(const Json& cmd, const char* field, std::size_t max_bytes) {
  std::string s = require_string(cmd, field, max_bytes);
  if (s.find_first_not_of(" \t\r\n") == std::string::npos) bad(field, "must not be empty");
  return s;
}

bool optional_bool(const Json& cmd, const char* field, bool fallback) {
  if (!has(cmd, field)) return fallback;
  if (!cmd[field].is_boolean()) bad(field, "must be true or false");
  return cmd[field].get<bool>();
}

std::optional<std::int64_t> optional_amount(const Json& cmd, const char* field, bool zero_allowed) {
  if (!has(cmd, field)) return std::nullopt;
  const Json& v = cmd[field];
  if (!v.is_number_integer()) {
    refuse("invalid_amount", std::string("\"") + field + "\" must be an integer number of cents", field);
  }
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    refuse("amount_too_large", too_large(field), field);
  }
  const std::int64_t amount = v.get<std::int64_t>();
  if (amount > core::kMaxAmount) {
    refuse("amount_too_large", too_large(field), field);
  }
  if (amount < 0 || (amount == 0 && !zero_allowed)) {
    refuse("invalid_amount", std::string("\"") + field + (zero_allowed ? "\" must not be negative" : "\" must be positive"),
           field);
  }
  return amount;
}

std::int64_t require_amount(const Json& cmd, const char* field, bool zero_allowed) {
  if (!has(cmd, field)) bad(field, "is missing");
  return *optional_amount(cmd, field, zero_allowed);
}

std::optional<core::Date> optional_date(const Json& cmd, const char* field) {
  if (!has(cmd, field)) return std::nullopt;
  if (!cmd[field].is_string()) bad(field, "must be a date like \"2026-11-21\"");
  auto date = core::parse_iso_date(cmd[field].get_ref<const std::string&>());
  if (!date) bad(field, "must be a valid date like \"2026-11-21\"");
  return date;
}

core::Date require_date(const Json& cmd, const char* field) {
  if (!has(cmd, field)) bad(field, "is missing");
  return *optional_date(cmd, field);
}

const Json& require_array(const Json& cmd, const char* field) {
  if (!has(cmd, field) || !cmd[field].is_array()) bad(field, "must be an array");
  return cmd[field];
}

Page read_page(const Json& cmd) {
  Page page;
  for (auto [field, target, low, high] : {std::tuple{"limit", &page.limit, 1, 500}, std::tuple{"offset", &page.offset, 0, INT32_MAX}}) {
    if (!has(cmd, field)) continue;
    if (!cmd[field].is_number_integer()) bad(field, "must be an integer");
    std::int64_t v = cmd[field].get<std::int64_t>();
    if (v < low || v > high) bad(field, "must be between " + std::to_string(low) + " and " + std::to_string(high));
    *target = v;
  }
  return page;
}

std::string fts_prefix_query(const std::string& text) {
  std::string query, word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!query.empty()) query += ' ';
    query += '"';
    for (char c : word) query += c == '"' ? std::string("\"\"") : std::string(1, c);
    query += "\"*";
    word.clear();
  };
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  return query;
}

std::string patient_name_match(const std::string& column, int param) {
  return column + " IN (SELECT p.id FROM patients_fts f JOIN patients p ON p.rowid = f.rowid WHERE patients_fts MATCH ?" +
         std::to_string(param) + ")";
}

std::int64_t require_int(const Json& cmd, const char* field, std::int64_t low, std::int64_t high) {
  if (!has(cmd, field) || !cmd[field].is_number_integer() || cmd[field].get<std::int64_t>() < low ||
      cmd[field].get<std::int64_t>() > high)
    refuse("invalid_argument", std::string(field) + " must be an integer from " + std::to_string(low) + " to " +
                                   std::to_string(high), field);
  return cmd[field].get<std::int64_t>();
}

}  // namespace quittance::app
