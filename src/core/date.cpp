// Civil date parsing, formatting and arithmetic. See date.h.
#include "core/date.h"

namespace quittance::core {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The value of `text` if it is nothing but ASCII digits (at most 4), else -1.
int digits_value(std::string_view text) {
  if (text.empty() || text.size() > 4) return -1;
  int v = 0;
  for (char c : text) {
    if (!is_digit(c)) return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<Date> checked(int year, int month, int day) {
  Date d{year, month, day};
  if (!is_valid(d)) return std::nullopt;
  return d;
}

std::string padded(int value, std::size_t width) {
  std::string s = std::to_string(value < 0 ? -static_cast<std::int64_t>(value) : value);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return value < 0 ? "-" + s : s;
}

// Division rounding towards minus infinity, for months before year 0 in add_months.
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

bool operator==(const Date& a, const Date& b) { return a.year == b.year && a.month == b.month && a.day == b.day; }
bool operator!=(const Date& a, const Date& b) { return !(a == b); }
bool operator<(const Date& a, const Date& b) {
  if (a.year != b.year) return a.year < b.year;
  if (a.month != b.month) return a.month < b.month;
  return a.day < b.day;
}
bool operator<=(const Date& a, const Date& b) { return !(b < a); }
bool operator>(const Date& a, const Date& b) { return b < a; }
bool operator>=(const Date& a, const Date& b) { return !(a < b); }

bool is_leap_year(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int days_in_month(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

bool is_valid(const Date& d) {
  return d.year >= 1900 && d.year <= 9999 && d.day >= 1 && d.day <= days_in_month(d.year, d.month);
}

std::optional<Date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int year = digits_value(text.substr(0, 4));
  int month = digits_value(text.substr(5, 2));
  int day = digits_value(text.substr(8, 2));
  if (year < 0 || month < 0 || day < 0) return std::nullopt;
  return checked(year, month, day);
}

std::optional<Date> parse_fr_date(std::string_view text) {
  std::size_t first = text.find('/');
  if (first == std::string_view::npos) return std::nullopt;
  std::size_t second = text.find('/', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  std::string_view day_text = text.substr(0, first);
  std::string_view month_text = text.substr(first + 1, second - first - 1);
  std::string_view year_text = text.substr(second + 1);  // a third '/' fails as a non-digit
  if (day_text.size() > 2 || month_text.size() > 2 || year_text.size() != 4) return std::nullopt;
  int day = digits_value(day_text);
  int month = digits_value(month_text);
  int year = digits_value(year_text);
  if (year < 0 || month < 0 || day < 0) return std::nullopt;
  return checked(year, month, day);
}

std::string format_iso(const Date& d) { return padded(d.year, 4) + "-" + padded(d.month, 2) + "-" + padded(d.day, 2); }

std::string format_fr(const Date& d) { return padded(d.day, 2) + "/" + padded(d.month, 2) + "/" + padded(d.year, 4); }

const char* month_name_fr(int month) {
  static const char* const kMonths[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                        "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
  return month >= 1 && month <= 12 ? kMonths[month - 1] : "";
}

std::string format_long_fr(const Date& d) {
  return (d.day == 1 ? std::string("1er") : std::to_string(d.day)) + " " + month_name_fr(d.month) + " " +
         std::to_string(d.year);
}

// http://howardhinnant.github.io/date_algorithms.html#days_from_civil: years counted from
// 1 March, so the leap day is the last day of the "year" and each 400-year era is identical.
std::int64_t days_from_civil(const Date& d) {
  const std::int64_t y = static_cast<std::int64_t>(d.year) - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                                     // [0, 399]
  const std::int64_t mp = d.month > 2 ? d.month - 3 : d.month + 9;            // March = 0
  const std::int64_t doy = (153 * mp + 2) / 5 + d.day - 1;                    // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;             // [0, 146096]
  return era * 146097 + doe - 719468;
}

// http://howardhinnant.github.io/date_algorithms.html#civil_from_days
Date civil_from_days(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;                                  // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                // [0, 11]
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return Date{static_cast<int>(year), month, day};
}

int days_between(const Date& from, const Date& to) {
  return static_cast<int>(days_from_civil(to) - days_from_civil(from));
}

Date add_days(const Date& d, int days) { return civil_from_days(days_from_civil(d) + days); }

Date add_months(const Date& d, int months) {
  const std::int64_t index = static_cast<std::int64_t>(d.year) * 12 + (d.month - 1) + months;
  const std::int64_t year = floor_div(index, 12);
  const int month = static_cast<int>(index - year * 12) + 1;
  const int last = days_in_month(static_cast<int>(year), month);
  return Date{static_cast<int>(year), month, d.day > last ? last : d.day};
}

}  // namespace quittance::core
