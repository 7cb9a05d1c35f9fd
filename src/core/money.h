// Money: an amount in integer minor units (cents) with its ISO 4217 currency.
// Never floating point. Adding two currencies is an error, reported as a value, not a crash.
// Formatting and parsing follow French conventions ("1 234,56 €") and accept what a
// practitioner types: "12,5", "12.50", "12 €", "1 234,56".
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace quittance::core {

struct Currency {
  char code[4] = {'E', 'U', 'R', '\0'};  // ISO 4217, upper case
  int minor_digits = 2;                  // EUR: 2 (cents)
  std::string_view view() const { return std::string_view(code, 3); }
  bool operator==(const Currency& o) const { return view() == o.view(); }
  bool operator!=(const Currency& o) const { return !(*this == o); }
};

// Known currencies; nullopt for a code we do not support yet.
std::optional<Currency> currency_from_code(std::string_view code);
Currency euro();

// The largest amount Quittance takes anywhere, in minor units (999 999,99 €): a payment, a
// refund, a line's price, a document's total. Every amount a command accepts is at most this,
// so no sum of them the books make (a patient's balance, a month's takings) comes near the
// 64-bit limit: 2^63 is ninety billion such amounts.
inline constexpr std::int64_t kMaxAmount = 99'999'999;

// `total += amount`, or false (total unchanged) when the sum would leave 64 bits. Sums of
// amounts taken from a command go through it: each amount's ceiling keeps today's sums far
// from the limit, and a checked sum keeps them safe if the ceiling or the counts change.
[[nodiscard]] bool add_to(std::int64_t& total, std::int64_t amount);

struct Money {
  std::int64_t minor = 0;  // amount in minor units: 1234 EUR = 12,34 €
  Currency currency;
};

enum class MoneyError { None, DifferentCurrencies, Overflow, Empty, Malformed, TooManyDecimals };
const char* to_string(MoneyError e);

template <class T>
struct Result {
  std::optional<T> value;           // set on success
  MoneyError error = MoneyError::None;
  bool ok() const { return value.has_value(); }
};

Result<Money> add(const Money& a, const Money& b);
Result<Money> subtract(const Money& a, const Money& b);

// "1 234,56 €" with a narrow no-break space (U+202F) between thousands and a no-break space
// (U+00A0) before the symbol, as French typography wants.
std::string format_fr(const Money& m);
// "€1,234.56" for the English interface.
std::string format_en(const Money& m);
// The bare figure, as a field is prefilled with it or a CSV holds it: no symbol, no thousands
// separator, a decimal comma only where the currency has decimals. 4500 EUR -> "45,00",
// -5 EUR -> "-0,05", 5000 XPF -> "5000".
std::string decimal_comma(std::int64_t minor, int minor_digits);

// Parses what a user types into an amount in `currency`: either decimal separator, spaces
// (ordinary or no-break) between thousands, an optional currency symbol or code, an optional
// leading minus. More decimals than the currency has is an error, never a silent rounding.
Result<Money> parse_amount(std::string_view text, const Currency& currency);

}  // namespace quittance::core
