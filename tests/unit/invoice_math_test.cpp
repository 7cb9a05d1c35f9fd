// The rounding rule of invoice lines (core/invoice_math.h): per line, half-up to the cent.
#include <doctest/doctest.h>

#include "core/invoice_math.h"

using namespace quittance::core;

namespace {
LineAmounts line(std::int64_t qty_milli, std::int64_t price, std::int64_t tax_bp = 0,
                 DiscountKind kind = DiscountKind::None, std::int64_t discount = 0) {
  LineResult r = compute_line({qty_milli, price, kind, discount, tax_bp});
  REQUIRE_MESSAGE(r.ok(), to_string(r.error));
  return r.amounts;
}
}  // namespace

TEST_CASE("half-up rounding at the exact half cent, and just below it") {
  CHECK(*mul_div_half_up(1, 1, 2) == 1);     // 0.5 -> 1
  CHECK(*mul_div_half_up(3, 1, 2) == 2);     // 1.5 -> 2
  CHECK(*mul_div_half_up(1, 49, 100) == 0);  // 0.49 -> 0
  CHECK(*mul_div_half_up(1, 50, 100) == 1);  // 0.50 -> 1
  CHECK_FALSE(mul_div_half_up(-1, 1, 2).has_value());
  CHECK_FALSE(mul_div_half_up(INT64_MAX, 2, 3).has_value());
}

TEST_CASE("a plain act: one session at 45,00 €, VAT exempt") {
  LineAmounts a = line(1000, 4500);
  CHECK(a.gross == 4500);
  CHECK(a.discount == 0);
  CHECK(a.net == 4500);
  CHECK(a.tax == 0);
  CHECK(a.total == 4500);
}

TEST_CASE("fractional quantities round half-up per line") {
  CHECK(line(500, 4501).gross == 2251);   // 22.505 -> 22.51
  CHECK(line(333, 1000).gross == 333);    // 3.33
  CHECK(line(1500, 3333).gross == 5000);  // 49.995 -> 50.00
  CHECK(line(2250, 1).gross == 2);        // 0.0225 -> 0.02
}

TEST_CASE("percentage and fixed discounts, then tax on the net") {
  LineAmounts a = line(1000, 6000, 2000, DiscountKind::Percent, 1000);  // 60 € −10 % +20 % VAT
  CHECK(a.discount == 600);
  CHECK(a.net == 5400);
  CHECK(a.tax == 1080);
  CHECK(a.total == 6480);
  LineAmounts b = line(1000, 999, 550, DiscountKind::Percent, 3333);  // 9,99 € −33,33 % +5,5 %
  CHECK(b.discount == 333);  // 332.97 -> 333
  CHECK(b.net == 666);
  CHECK(b.tax == 37);        // 36.63 -> 37
  CHECK(b.total == 703);
  LineAmounts c = line(2000, 2500, 0, DiscountKind::Amount, 500);
  CHECK(c.net == 4500);
}

TEST_CASE("lines are rounded one by one and the document adds them up") {
  // Three lines of 1/3 unit at 10 €: 3,33 € each; the document is 9,99 €, not 10,00 €.
  std::vector<LineAmounts> lines = {line(333, 1000), line(333, 1000), line(333, 1000)};
  DocumentTotals t = *sum_lines(lines);
  CHECK(t.total == 999);
  CHECK(t.net == 999);
}

TEST_CASE("bad lines are refused with a reason") {
  CHECK(compute_line({0, 100, DiscountKind::None, 0, 0}).error == LineError::NonPositiveQuantity);
  CHECK(compute_line({1000, -1, DiscountKind::None, 0, 0}).error == LineError::NegativePrice);
  CHECK(compute_line({1000, 100, DiscountKind::Percent, 10001, 0}).error == LineError::BadDiscount);
  CHECK(compute_line({1000, 100, DiscountKind::Amount, 101, 0}).error == LineError::BadDiscount);
  CHECK(compute_line({1000, 100, DiscountKind::None, 5, 0}).error == LineError::BadDiscount);
  CHECK(compute_line({1000, 100, DiscountKind::None, 0, 10001}).error == LineError::BadTaxRate);
  CHECK(compute_line({INT64_MAX, INT64_MAX, DiscountKind::None, 0, 0}).error == LineError::Overflow);
  CHECK_FALSE(sum_lines({{0, 0, INT64_MAX, 0, INT64_MAX}, {0, 0, 1, 0, 1}}).has_value());
}

TEST_CASE("quantities and percentages as typed") {
  CHECK(parse_quantity("1") == 1000);
  CHECK(parse_quantity("2,5") == 2500);
  CHECK(parse_quantity("0.125") == 125);
  CHECK_FALSE(parse_quantity("0").has_value());
  CHECK_FALSE(parse_quantity("1,2345").has_value());
  CHECK_FALSE(parse_quantity("-1").has_value());
  CHECK_FALSE(parse_quantity("1,2,3").has_value());
  CHECK_FALSE(parse_quantity("").has_value());
  CHECK(parse_percent("10") == 1000);
  CHECK(parse_percent("12,5") == 1250);
  CHECK(parse_percent("100") == 10000);
  CHECK(parse_percent("0") == 0);
  CHECK_FALSE(parse_percent("100,01").has_value());
  CHECK_FALSE(parse_percent("5,555").has_value());
}
