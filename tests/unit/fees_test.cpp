// Processing fees: the seed table, the fee on a charge (half-up), and gross-up, with exact
// numbers and the sufficiency / near-minimality properties over every amount up to 1 000,00.
#include <doctest/doctest.h>

#include <limits>
#include <string>

#include "core/fees.h"

using namespace quittance::core;

namespace {
const FeeSchedule& schedule(std::string_view method) {
  for (const auto& s : kFeeSchedules) {
    if (s.method == method) return s;
  }
  FAIL("no schedule for ", std::string(method));
  return kFeeSchedules[0];
}
std::int64_t net(std::int64_t charge, const FeeSchedule& s) { return charge - fee_for(charge, s); }
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
}  // namespace

TEST_CASE("seed 002: cards and wallets 2.9 % + 30, direct debits 1.9 % + 50") {
  for (const char* m : {"card", "wallet"}) {
    CHECK(fee_schedule_for(m)->rate_bp == 290);
    CHECK(fee_schedule_for(m)->fixed_minor == 30);
  }
  for (const char* m : {"ach_debit", "bacs_debit", "sepa_debit", "becs_debit"}) {
    CHECK(fee_schedule_for(m)->rate_bp == 190);
    CHECK(fee_schedule_for(m)->fixed_minor == 50);
  }
  CHECK_FALSE(fee_schedule_for("cheque").has_value());
  for (const auto& s : kFeeSchedules) CHECK(is_valid(s));
}

TEST_CASE("fee on a charge: proportional part rounded half-up, plus the fixed part") {
  const auto& card = schedule("card");
  const auto& sepa = schedule("sepa_debit");
  CHECK(fee_for(10000, card) == 320);   // 290 + 30
  CHECK(fee_for(10330, card) == 330);   // 299,57 -> 300, + 30
  CHECK(fee_for(500, card) == 45);      // 14,5 exactly -> 15 (half-up), + 30
  CHECK(fee_for(499, card) == 44);      // 14,471 -> 14
  CHECK(fee_for(1, card) == 30);        // 0,029 -> 0
  CHECK(fee_for(500, sepa) == 60);      // 9,5 exactly -> 10, + 50
  CHECK(fee_for(10245, sepa) == 245);   // 194,655 -> 195, + 50
  CHECK(fee_for(0, card) == 0);         // no charge, no fee
  CHECK(fee_for(-10000, card) == 0);
  // No intermediate amount * rate, so no overflow: floor(INT64_MAX * 0.029 + 0.5) + 30.
  CHECK(fee_for(kMax, card) == 267477789068788528);
  // Out-of-range schedules are clamped, never crash.
  CHECK(fee_for(10000, FeeSchedule{"x", 20000, 0}) == 10000);
  CHECK(fee_for(10000, FeeSchedule{"x", -5, -7}) == 0);
  CHECK(fee_for(kMax, FeeSchedule{"x", 10000, 1}) == kMax);
}

TEST_CASE("gross-up: exact values") {
  const auto& card = schedule("card");
  const auto& sepa = schedule("sepa_debit");
  // (10000 + 30) / 0,971 = 10329,55 -> 10330; the processor keeps 330, the practice 10000.
  CHECK(gross_up(10000, card) == 10330);
  CHECK(net(10330, card) == 10000);
  CHECK(net(10329, card) == 9999);
  // (10000 + 50) / 0,981 = 10244,65 -> 10245.
  CHECK(gross_up(10000, sepa) == 10245);
  CHECK(net(10245, sepa) == 10000);
  CHECK(gross_up(0, card) == 31);  // ceil(30 / 0,971): the formula charges the fixed part even for 0
  CHECK(gross_up(1, FeeSchedule{"free", 0, 0}) == 1);
}

TEST_CASE("gross-up refuses invalid input and overflow") {
  const auto& card = schedule("card");
  CHECK_FALSE(gross_up(-1, card).has_value());
  CHECK_FALSE(gross_up(100, FeeSchedule{"x", 10000, 30}).has_value());
  CHECK_FALSE(gross_up(100, FeeSchedule{"x", -1, 30}).has_value());
  CHECK_FALSE(gross_up(100, FeeSchedule{"x", 290, -30}).has_value());
  CHECK(gross_up(100, FeeSchedule{"x", 9999, 0}) == 1000000);
  // (amount + fixed) * 10000 must fit in int64: the largest base is INT64_MAX / 10000.
  const std::int64_t largest_base = kMax / 10000;  // 922337203685477
  CHECK(gross_up(largest_base - 30, card) == 949883834897505);  // ceil(922337203685477 * 10000 / 9710)
  CHECK_FALSE(gross_up(largest_base - 29, card).has_value());
  CHECK_FALSE(gross_up(kMax, card).has_value());
  CHECK_FALSE(gross_up(kMax - 10, card).has_value());  // amount + fixed itself overflows
}

// What the text asked for was: for every amount a, c = gross_up(a) leaves at least a after
// fee_for, and c - 1 leaves less than a. The first holds; the second does NOT hold exactly.
//
// Write r = rate_bp / 10000, F = fixed, x(c) = c * r, and fee_for(c) = round(x(c)) + F with
// half-up rounding, so x - 1/2 < round(x) <= x + 1/2. c is the least integer with
// c - x(c) >= a + F (the fee taken unrounded). Then:
//  - sufficiency: c - round(x(c)) >= c - x(c) - 1/2 >= a + F - 1/2, an integer, so >= a + F:
//    net(c) >= a, always;
//  - near-minimality: (c-1) - x(c-1) < a + F, so (c-1) - round(x(c-1)) < a + F + 1/2, an
//    integer, so <= a + F: net(c - 1) <= a, always, but equality is possible. It happens when
//    round(x(c - 1)) rounds down enough, i.e. for about half of all amounts: then c - 1 would
//    have sufficed and the patient pays one cent more than strictly necessary.
// Also net is non-decreasing in c (the rounded fee grows by 0 or 1 per cent since r < 1), so
// the smallest sufficient charge m is c or c - 1, and net(c) is a or a + 1.
// What is tested below, for every a in 0..100000: net(c) >= a; net(c - 1) <= a; c - 1 <= m <= c
// (m found by brute force); net(c) <= a + 1; and the exact count of amounts where c - 1 would
// also have sufficed, so that the size of the gap is pinned, not just bounded.
TEST_CASE("gross-up is sufficient and at most one minor unit above the smallest sufficient charge") {
  struct Expected { const char* method; int c_minus_1_suffices; };
  for (const Expected& e : {Expected{"card", 51397}, Expected{"sepa_debit", 50872}}) {
    CAPTURE(e.method);
    const auto& s = schedule(e.method);
    int insufficient = 0, c_minus_1_leaves_more = 0, not_near_minimal = 0, overshoot = 0, c_minus_1_suffices = 0;
    for (std::int64_t a = 0; a <= 100000; ++a) {
      const std::int64_t c = *gross_up(a, s);
      if (net(c, s) < a) ++insufficient;
      if (net(c, s) > a + 1) ++overshoot;
      if (net(c - 1, s) > a) ++c_minus_1_leaves_more;
      if (net(c - 1, s) == a) ++c_minus_1_suffices;
      std::int64_t m = c;  // smallest sufficient charge, by brute force
      while (m > 0 && net(m - 1, s) >= a) --m;
      if (m != c && m != c - 1) ++not_near_minimal;
    }
    CHECK(insufficient == 0);
    CHECK(overshoot == 0);
    CHECK(c_minus_1_leaves_more == 0);
    CHECK(not_near_minimal == 0);
    CHECK(c_minus_1_suffices == e.c_minus_1_suffices);  // of 100001 amounts
  }
  // Examples of both cases, by hand. a = 10000 by card: c = 10330 is the least (net(10329) =
  // 9999). a = 4 by card: c = ceil(34 / 0,971) = 36, net(36) = 36 - (1 + 30) = 5, but
  // net(35) = 35 - (round(1,015) + 30) = 4 already suffices.
  CHECK(gross_up(4, schedule("card")) == 36);
  CHECK(net(36, schedule("card")) == 5);
  CHECK(net(35, schedule("card")) == 4);
}
