// Civil dates: strict parsing, formatting, the day-count algorithms over a million days,
// leap years, and month arithmetic with end-of-month clamping.
#include <doctest/doctest.h>

#include "core/date.h"

using namespace quittance::core;

namespace {
Date iso(const char* text) {
  auto d = parse_iso_date(text);
  REQUIRE_MESSAGE(d.has_value(), text, " did not parse");
  return *d;
}
}  // namespace

TEST_CASE("ISO dates parse strictly") {
  CHECK(iso("2026-11-21") == Date{2026, 11, 21});
  CHECK(iso("1900-01-01") == Date{1900, 1, 1});
  CHECK(iso("9999-12-31") == Date{9999, 12, 31});
  const char* malformed[] = {"2026-02-30", "2026-2-01",   "",           "2026-11-21x", "2026/11/21",
                             "2026-13-01", "2026-00-10",  "2026-01-00", "2026-04-31",  "1899-12-31",
                             " 2026-11-21", "2026-11-2 ", "+026-11-21", "2026-1a-01",  "20261121"};
  for (const char* text : malformed) {
    CAPTURE(text);
    CHECK_FALSE(parse_iso_date(text).has_value());
  }
}

TEST_CASE("French dates: dd/mm/yyyy, single digits tolerated, two-digit years refused") {
  CHECK(parse_fr_date("21/11/2026") == Date{2026, 11, 21});
  CHECK(parse_fr_date("1/2/2026") == Date{2026, 2, 1});
  CHECK(parse_fr_date("01/2/2026") == Date{2026, 2, 1});
  CHECK(parse_fr_date("29/02/2024") == Date{2024, 2, 29});
  const char* malformed[] = {"31/04/2026", "00/01/2026", "21/11/26",    "21/11/02026", "21-11-2026",
                             "21/11/2026 ", "/11/2026",  "21//2026",    "123/1/2026",  "29/02/2025",
                             "1/13/2026",  "21/11/2026/", "",           "21/11",       "1/0/2026",
                             "2026-11-21", "21/11/1899"};
  for (const char* text : malformed) {
    CAPTURE(text);
    CHECK_FALSE(parse_fr_date(text).has_value());
  }
}

TEST_CASE("formatting pads with zeros and round-trips through the parsers") {
  CHECK(format_iso(Date{2026, 11, 21}) == "2026-11-21");
  CHECK(format_iso(Date{1900, 2, 3}) == "1900-02-03");
  CHECK(format_fr(Date{2026, 11, 21}) == "21/11/2026");
  CHECK(format_fr(Date{2026, 2, 1}) == "01/02/2026");
  const Date d{2024, 2, 29};
  CHECK(parse_iso_date(format_iso(d)) == d);
  CHECK(parse_fr_date(format_fr(d)) == d);
}

TEST_CASE("leap years: 1900 and 2100 are not, 2000 and 2024 are") {
  CHECK_FALSE(is_leap_year(1900));
  CHECK(is_leap_year(2000));
  CHECK(is_leap_year(2024));
  CHECK_FALSE(is_leap_year(2100));
  CHECK_FALSE(parse_iso_date("1900-02-29").has_value());
  CHECK(parse_iso_date("2000-02-29").has_value());
  CHECK(parse_iso_date("2024-02-29").has_value());
  CHECK_FALSE(parse_iso_date("2100-02-29").has_value());
  CHECK(days_between(Date{1900, 2, 28}, Date{1900, 3, 1}) == 1);
  CHECK(days_between(Date{2000, 2, 28}, Date{2000, 3, 1}) == 2);
  CHECK(days_between(Date{2100, 2, 28}, Date{2100, 3, 1}) == 1);
  CHECK(days_in_month(2024, 2) == 29);
  CHECK(days_in_month(2026, 2) == 28);
  CHECK(days_in_month(2026, 13) == 0);
}

TEST_CASE("day counts match the Unix epoch (values from date -u +%s / 86400)") {
  CHECK(days_from_civil(Date{1970, 1, 1}) == 0);
  CHECK(days_from_civil(Date{1900, 1, 1}) == -25567);
  CHECK(days_from_civil(Date{1900, 3, 1}) == -25508);
  CHECK(days_from_civil(Date{2000, 2, 29}) == 11016);
  CHECK(days_from_civil(Date{2000, 3, 1}) == 11017);
  CHECK(days_from_civil(Date{2026, 11, 21}) == 20778);
  CHECK(days_from_civil(Date{9999, 12, 31}) == 2932896);
  CHECK(civil_from_days(-719468) == Date{0, 3, 1});  // the algorithms' origin: 1 March of year 0
  CHECK(civil_from_days(-719469) == Date{0, 2, 29});  // year 0 is a leap year (proleptic Gregorian)
}

TEST_CASE("a million consecutive days round-trip and advance one calendar day at a time") {
  // From 1 January 1900, past 4637: each day maps to a real date, back to itself, and
  // to the calendar successor of the day before. Counted, so a failure reports once.
  const std::int64_t first = days_from_civil(Date{1900, 1, 1});
  int bad_round_trip = 0, bad_successor = 0;
  Date previous = civil_from_days(first - 1);
  for (std::int64_t n = first; n < first + 1000000; ++n) {
    const Date d = civil_from_days(n);
    if (days_from_civil(d) != n || d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month)) ++bad_round_trip;
    const bool next_day = d.year == previous.year && d.month == previous.month && d.day == previous.day + 1;
    const bool next_month = d.year == previous.year && d.month == previous.month + 1 && d.day == 1 &&
                            previous.day == days_in_month(previous.year, previous.month);
    const bool next_year = d.year == previous.year + 1 && d.month == 1 && d.day == 1 && previous.month == 12 && previous.day == 31;
    if (!(next_day || next_month || next_year) || !(previous < d)) ++bad_successor;
    previous = d;
  }
  CHECK(bad_round_trip == 0);
  CHECK(bad_successor == 0);
  CHECK(previous == Date{4637, 11, 27});  // Python: date(1900, 1, 1) + timedelta(999999)
}

TEST_CASE("adding days and counting days between dates") {
  CHECK(add_days(Date{2026, 12, 31}, 1) == Date{2027, 1, 1});
  CHECK(add_days(Date{2024, 2, 28}, 1) == Date{2024, 2, 29});
  CHECK(add_days(Date{2026, 3, 1}, -1) == Date{2026, 2, 28});
  CHECK(add_days(Date{2026, 11, 21}, 30) == Date{2026, 12, 21});
  CHECK(days_between(Date{2026, 1, 1}, Date{2027, 1, 1}) == 365);
  CHECK(days_between(Date{2024, 1, 1}, Date{2025, 1, 1}) == 366);
  CHECK(days_between(Date{2027, 1, 1}, Date{2026, 1, 1}) == -365);
  CHECK(days_between(Date{1900, 1, 1}, Date{9999, 12, 31}) == 2932896 + 25567);
}

TEST_CASE("adding months clamps to the end of the month") {
  CHECK(add_months(Date{2026, 1, 31}, 1) == Date{2026, 2, 28});
  CHECK(add_months(Date{2024, 1, 31}, 1) == Date{2024, 2, 29});
  CHECK(add_months(Date{2026, 3, 31}, -1) == Date{2026, 2, 28});
  CHECK(add_months(Date{2024, 3, 31}, -1) == Date{2024, 2, 29});
  CHECK(add_months(Date{1900, 1, 31}, 1) == Date{1900, 2, 28});
  CHECK(add_months(Date{2026, 8, 31}, 1) == Date{2026, 9, 30});
  CHECK(add_months(Date{2024, 2, 29}, 12) == Date{2025, 2, 28});
  CHECK(add_months(Date{2026, 12, 15}, 1) == Date{2027, 1, 15});
  CHECK(add_months(Date{2026, 1, 15}, -1) == Date{2025, 12, 15});
  CHECK(add_months(Date{2026, 1, 15}, -13) == Date{2024, 12, 15});
  CHECK(add_months(Date{2026, 1, 15}, 24) == Date{2028, 1, 15});
  CHECK(add_months(Date{2026, 5, 31}, 0) == Date{2026, 5, 31});
  // Clamping does not round-trip: the 31st is lost on the way through February.
  CHECK(add_months(add_months(Date{2026, 1, 31}, 1), -1) == Date{2026, 1, 28});
}

TEST_CASE("comparisons order by year, then month, then day") {
  CHECK(Date{2026, 11, 21} == Date{2026, 11, 21});
  CHECK(Date{2026, 11, 21} != Date{2026, 11, 22});
  CHECK(Date{2025, 12, 31} < Date{2026, 1, 1});
  CHECK(Date{2026, 1, 31} < Date{2026, 2, 1});
  CHECK(Date{2026, 2, 1} > Date{2026, 1, 31});
  CHECK(Date{2026, 2, 1} >= Date{2026, 2, 1});
  CHECK(Date{2026, 2, 1} <= Date{2026, 2, 1});
  CHECK_FALSE(Date{2026, 2, 2} <= Date{2026, 2, 1});
}
