// Schedule arithmetic. See schedule.h.
#include "core/schedule.h"

#include <cstdio>

#include "core/date.h"

namespace quittance::core {

std::optional<DelayUnit> delay_unit_from_string(std::string_view s) {
  if (s == "hours") return DelayUnit::hours;
  if (s == "days") return DelayUnit::days;
  if (s == "months") return DelayUnit::months;
  return std::nullopt;
}

const char* to_string(DelayUnit u) {
  switch (u) {
    case DelayUnit::hours: return "hours";
    case DelayUnit::days: return "days";
    case DelayUnit::months: return "months";
  }
  return "hours";
}

namespace {
bool two_digits(std::string_view s, std::size_t at, int max, int* out) {
  if (s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') return false;
  *out = (s[at] - '0') * 10 + (s[at + 1] - '0');
  return *out <= max;
}
}  // namespace

std::optional<std::int64_t> parse_utc_instant(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SSZ
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') return std::nullopt;
  const std::optional<Date> day = parse_iso_date(text.substr(0, 10));
  int h = 0, m = 0, s = 0;
  if (!day || !two_digits(text, 11, 23, &h) || !two_digits(text, 14, 59, &m) || !two_digits(text, 17, 59, &s)) {
    return std::nullopt;
  }
  return days_from_civil(*day) * 86400 + h * 3600 + m * 60 + s;
}

std::string format_utc_instant(std::int64_t t) {
  std::int64_t days = t / 86400, rest = t % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", format_iso(civil_from_days(days)).c_str(),
                static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  return buf;
}

std::int64_t schedule_at(std::int64_t issued_at, int amount, DelayUnit unit) {
  switch (unit) {
    case DelayUnit::hours: return issued_at + std::int64_t{amount} * 3600;
    case DelayUnit::days: return issued_at + std::int64_t{amount} * 86400;
    case DelayUnit::months: {
      std::int64_t days = issued_at / 86400, rest = issued_at % 86400;
      if (rest < 0) {
        rest += 86400;
        --days;
      }
      return days_from_civil(add_months(civil_from_days(days), amount)) * 86400 + rest;
    }
  }
  return issued_at;
}

}  // namespace quittance::core
