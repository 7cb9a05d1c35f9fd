// Money: arithmetic in minor units, French/English formatting, tolerant parsing.
#include <doctest/doctest.h>

#include <limits>

#include "core/money.h"

using namespace quittance::core;

namespace {
Money eur(std::int64_t minor) { return Money{minor, euro()}; }
std::int64_t parsed(const char* text) {
  auto r = parse_amount(text, euro());
  REQUIRE_MESSAGE(r.ok(), text, " failed: ", to_string(r.error));
  return r.value->minor;
}
MoneyError parse_error(const char* text) { return parse_amount(text, euro()).error; }
}  // namespace

TEST_CASE("adding and subtracting stay in minor units and refuse mixed currencies") {
  CHECK(add(eur(1050), eur(2)).value->minor == 1052);
  CHECK(subtract(eur(1000), eur(2550)).value->minor == -1550);
  Money chf{100, *currency_from_code("CHF")};
  CHECK(add(eur(1), chf).error == MoneyError::DifferentCurrencies);
  CHECK(add(eur(std::numeric_limits<std::int64_t>::max()), eur(1)).error == MoneyError::Overflow);
  CHECK(subtract(eur(std::numeric_limits<std::int64_t>::min()), eur(1)).error == MoneyError::Overflow);
}

TEST_CASE("French formatting: grouped thousands, comma, no-break space before the euro sign") {
  CHECK(format_fr(eur(123456)) == "1\u202F234,56\u00A0€");
  CHECK(format_fr(eur(5)) == "0,05\u00A0€");
  CHECK(format_fr(eur(-100000)) == "-1\u202F000,00\u00A0€");
  CHECK(format_fr(eur(0)) == "0,00\u00A0€");
  CHECK(format_fr(Money{1500, *currency_from_code("CHF")}) == "15,00\u00A0CHF");
  CHECK(format_fr(Money{1500, *currency_from_code("XPF")}) == "1\u202F500\u00A0XPF");
  CHECK(format_fr(eur(std::numeric_limits<std::int64_t>::min())) == "-92\u202F233\u202F720\u202F368\u202F547\u202F758,08\u00A0€");
}

TEST_CASE("English formatting") {
  CHECK(format_en(eur(123456)) == "€1,234.56");
  CHECK(format_en(eur(-5)) == "-€0.05");
}

TEST_CASE("parsing accepts what a practitioner types") {
  CHECK(parsed("12,5") == 1250);
  CHECK(parsed("12.50") == 1250);
  CHECK(parsed("12 €") == 1200);
  CHECK(parsed("12€") == 1200);
  CHECK(parsed("€12") == 1200);
  CHECK(parsed("1 234,56") == 123456);
  CHECK(parsed("1\u202F234,56\u00A0€") == 123456);  // our own formatting round-trips
  CHECK(parsed("-3,20") == -320);
  CHECK(parsed("0,05 EUR") == 5);
  CHECK(parsed(",5") == 50);
  CHECK(parsed("7,") == 700);
}

TEST_CASE("parsing rejects malformed amounts with a reason") {
  CHECK(parse_error("") == MoneyError::Empty);
  CHECK(parse_error("   ") == MoneyError::Empty);
  CHECK(parse_error("12,345") == MoneyError::TooManyDecimals);
  CHECK(parse_error("1.234,56") == MoneyError::Malformed);
  CHECK(parse_error("douze") == MoneyError::Malformed);
  CHECK(parse_error("12 $") == MoneyError::Malformed);
  CHECK(parse_error("€") == MoneyError::Malformed);
  CHECK(parse_error(",") == MoneyError::Malformed);
  CHECK(parse_error("--5") == MoneyError::Malformed);
  CHECK(parse_error("99999999999999999999") == MoneyError::Overflow);
  CHECK(parse_error("92233720368547758,08") == MoneyError::Overflow);
  CHECK(parsed("92233720368547758,07") == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("currencies") {
  CHECK(currency_from_code("EUR")->minor_digits == 2);
  CHECK(currency_from_code("XPF")->minor_digits == 0);
  CHECK_FALSE(currency_from_code("ZZZ").has_value());
  CHECK(parse_amount("12,5", *currency_from_code("XPF")).error == MoneyError::TooManyDecimals);
}

TEST_CASE("a currency without decimals and one without a symbol: XPF and CHF") {
  const Currency xpf = *currency_from_code("XPF");
  const Currency chf = *currency_from_code("CHF");
  CHECK(format_fr(Money{5000, xpf}) == "5\u202F000\u00A0XPF");
  CHECK(format_en(Money{5000, xpf}) == "XPF 5,000");
  CHECK(format_fr(Money{123456, chf}) == "1\u202F234,56\u00A0CHF");
  CHECK(parse_amount("5 000", xpf).value->minor == 5000);
  CHECK(parse_amount("5\u202F000 XPF", xpf).value->minor == 5000);
  CHECK(parse_amount("1 234,56 CHF", chf).value->minor == 123456);
  CHECK(parse_amount("5 000,50", xpf).error == MoneyError::TooManyDecimals);  // never rounded away
  CHECK(decimal_comma(5000, xpf.minor_digits) == "5000");
  CHECK(decimal_comma(4500, 2) == "45,00");
}

TEST_CASE("checked sums: add_to refuses what would leave 64 bits and leaves the total as it was") {
  std::int64_t total = kMaxAmount;
  CHECK(add_to(total, kMaxAmount));
  CHECK(total == 2 * kMaxAmount);
  total = std::numeric_limits<std::int64_t>::max() - 1;
  CHECK(add_to(total, 1));
  CHECK_FALSE(add_to(total, 1));
  CHECK(total == std::numeric_limits<std::int64_t>::max());
  total = std::numeric_limits<std::int64_t>::min();
  CHECK_FALSE(add_to(total, -1));
  CHECK(total == std::numeric_limits<std::int64_t>::min());
}
