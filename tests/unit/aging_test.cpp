// Aged receivables buckets: the boundaries 30/31, 60/61, 90/91, future issue dates, labels.
#include <doctest/doctest.h>

#include <cstring>

#include "core/aging.h"

using namespace quittance::core;

namespace {
const Date kAsOf{2026, 11, 21};
AgeBucket aged(int days) { return age_bucket(add_days(kAsOf, -days), kAsOf); }
}  // namespace

TEST_CASE("bucket boundaries are inclusive at 30, 60 and 90 days") {
  CHECK(aged(0) == AgeBucket::Days0to30);
  CHECK(aged(30) == AgeBucket::Days0to30);
  CHECK(aged(31) == AgeBucket::Days31to60);
  CHECK(aged(60) == AgeBucket::Days31to60);
  CHECK(aged(61) == AgeBucket::Days61to90);
  CHECK(aged(90) == AgeBucket::Days61to90);
  CHECK(aged(91) == AgeBucket::Over90);
  CHECK(aged(3650) == AgeBucket::Over90);
}

TEST_CASE("ages are counted in calendar days across months and leap days") {
  // 31 January 2024 to 1 March 2024 is 30 days, 29 February included; to 2 March, 31.
  CHECK(age_bucket(Date{2024, 1, 31}, Date{2024, 3, 1}) == AgeBucket::Days0to30);
  CHECK(age_bucket(Date{2024, 1, 31}, Date{2024, 3, 2}) == AgeBucket::Days31to60);
  CHECK(age_bucket(Date{2025, 12, 1}, Date{2026, 3, 1}) == AgeBucket::Days61to90);  // exactly 90
  CHECK(age_bucket(Date{2025, 12, 1}, Date{2026, 3, 2}) == AgeBucket::Over90);
}

TEST_CASE("an issue date after the report date counts as 0-30") {
  CHECK(aged(-1) == AgeBucket::Days0to30);
  CHECK(aged(-400) == AgeBucket::Days0to30);
}

TEST_CASE("labels") {
  CHECK(std::strcmp(to_string(AgeBucket::Days0to30), "0-30") == 0);
  CHECK(std::strcmp(to_string(AgeBucket::Days31to60), "31-60") == 0);
  CHECK(std::strcmp(to_string(AgeBucket::Days61to90), "61-90") == 0);
  CHECK(std::strcmp(to_string(AgeBucket::Over90), "90+") == 0);
}
