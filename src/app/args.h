// Reading a command's arguments: each reader refuses a missing or malformed argument with
// "invalid_argument" (or a more precise code) naming the field.
//   Amounts are JSON integers in minor units (4500 = 45,00 €): never floats, never strings.
//   Dates are ISO strings ("2026-11-21"). Ids are strings.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/date.h"

namespace quittance::app {

using Json = nlohmann::json;

std::string require_string(const Json& cmd, const char* field, std::size_t max_bytes = 200);
std::string optional_string(const Json& cmd, const char* field, std::size_t max_bytes = 2000);
// A non-empty text (a name, a reason).
std::string require_text(const Json& cmd, const char* field, std::size_t max_bytes = 200);
bool optional_bool(const Json& cmd, const char* field, bool fallback);
// An amount in minor units, > 0 (or >= 0 when zero_allowed).
std::int64_t require_amount(const Json& cmd, const char* field, bool zero_allowed = false);
// An integer from `low` to `high` (a year, a duration, a count).
std::int64_t require_int(const Json& cmd, const char* field, std::int64_t low, std::int64_t high);
std::optional<std::int64_t> optional_amount(const Json& cmd, const char* field, bool zero_allowed = false);
core::Date require_date(const Json& cmd, const char* field);
std::optional<core::Date> optional_date(const Json& cmd, const char* field);
const Json& require_array(const Json& cmd, const char* field);
bool has(const Json& cmd, const char* field);

// A page of a list: "limit" (1 to 500, default 50) and "offset" (default 0).
struct Page {
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};
Page read_page(const Json& cmd);
// An FTS5 query matching rows where every typed word starts a word of the text ("lef ma" ->
// "lef"* "ma"*), quotes escaped; "" when nothing but spaces was typed.
std::string fts_prefix_query(const std::string& text);
// The SQL fragment "<column> IN (ids of patients whose name matches ?<param>)".
std::string patient_name_match(const std::string& column, int param);

}  // namespace quittance::app
