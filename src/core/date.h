// Civil dates (proleptic Gregorian, no time, no time zone): invoice, service and due dates.
// Parsing is strict and reports failure as nullopt; arithmetic goes through a day count
// (days since 1970-01-01, Howard Hinnant's algorithms), so it has no table and no loop.
// The functions other than the parsers expect a real calendar day (month 1..12, day within
// the month); they do not check it. The parsers only produce such days.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace quittance::core {

struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..days_in_month
};

bool operator==(const Date& a, const Date& b);
bool operator!=(const Date& a, const Date& b);
bool operator<(const Date& a, const Date& b);
bool operator<=(const Date& a, const Date& b);
bool operator>(const Date& a, const Date& b);
bool operator>=(const Date& a, const Date& b);

bool is_leap_year(int year);
int days_in_month(int year, int month);  // 0 for a month outside 1..12
// A real calendar day, in the years the parsers accept (1900..9999).
bool is_valid(const Date& d);

// "2026-11-21": exactly YYYY-MM-DD, zero-padded, nothing before or after.
std::optional<Date> parse_iso_date(std::string_view text);
// "21/11/2026" or "1/2/2026": day and month of one or two digits, a four-digit year.
// "21/11/26" is refused: guessing the century on a legal document is not our call.
std::optional<Date> parse_fr_date(std::string_view text);

std::string format_iso(const Date& d);  // "2026-11-21"
std::string format_fr(const Date& d);   // "21/11/2026"
// « décembre » for 12; "" outside 1..12.
const char* month_name_fr(int month);
// « 12 décembre 2026 », « 1er décembre 2026 »: how a letter or a statement dates itself.
std::string format_long_fr(const Date& d);

// Days since 1970-01-01 (negative before) and back; exact for any year an int holds.
std::int64_t days_from_civil(const Date& d);
Date civil_from_days(std::int64_t days);

// `to` minus `from` in days: positive when `to` is later.
int days_between(const Date& from, const Date& to);
Date add_days(const Date& d, int days);
// Calendar months; a day past the end of the target month is clamped to its last day
// (31 January + 1 month = 28 or 29 February), as a due date "one month later" expects.
Date add_months(const Date& d, int months);

}  // namespace quittance::core
