// Money arithmetic, formatting and parsing. See money.h.
#include "core/money.h"

#include <limits>

namespace quittance::core {

std::optional<Currency> currency_from_code(std::string_view code) {
  struct Known { const char* code; int digits; };
  static const Known known[] = {{"EUR", 2}, {"CHF", 2}, {"GBP", 2}, {"USD", 2}, {"CAD", 2}, {"XPF", 0}};
  for (const auto& k : known) {
    if (code == k.code) {
      Currency c;
      for (int i = 0; i < 3; ++i) c.code[i] = k.code[i];
      c.minor_digits = k.digits;
      return c;
    }
  }
  return std::nullopt;
}

Currency euro() { return Currency{}; }

const char* to_string(MoneyError e) {
  switch (e) {
    case MoneyError::None: return "none";
    case MoneyError::DifferentCurrencies: return "different_currencies";
    case MoneyError::Overflow: return "overflow";
    case MoneyError::Empty: return "empty";
    case MoneyError::Malformed: return "malformed";
    case MoneyError::TooManyDecimals: return "too_many_decimals";
  }
  return "unknown";
}

bool add_to(std::int64_t& total, std::int64_t amount) {
  std::int64_t sum;
  if (__builtin_add_overflow(total, amount, &sum)) return false;
  total = sum;
  return true;
}

Result<Money> add(const Money& a, const Money& b) {
  if (a.currency != b.currency) return {std::nullopt, MoneyError::DifferentCurrencies};
  std::int64_t sum;
  if (__builtin_add_overflow(a.minor, b.minor, &sum)) return {std::nullopt, MoneyError::Overflow};
  return {Money{sum, a.currency}, MoneyError::None};
}

Result<Money> subtract(const Money& a, const Money& b) {
  if (a.currency != b.currency) return {std::nullopt, MoneyError::DifferentCurrencies};
  std::int64_t diff;
  if (__builtin_sub_overflow(a.minor, b.minor, &diff)) return {std::nullopt, MoneyError::Overflow};
  return {Money{diff, a.currency}, MoneyError::None};
}

namespace {

const char* symbol_of(const Currency& c) {
  if (c.view() == "EUR") return "€";
  if (c.view() == "GBP") return "£";
  if (c.view() == "USD") return "$";
  return nullptr;
}

// Splits |minor| into whole units and fraction digits; works for INT64_MIN too.
void split(std::int64_t minor, int digits, std::uint64_t& whole, std::uint64_t& frac) {
  std::uint64_t magnitude = minor < 0 ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  std::uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  whole = magnitude / scale;
  frac = magnitude % scale;
}

std::string group(std::uint64_t whole, std::string_view separator) {
  std::string digits = std::to_string(whole);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += separator;
    out += digits[i];
  }
  return out;
}

std::string fraction(std::uint64_t frac, int digits) {
  std::string s = std::to_string(frac);
  return std::string(static_cast<std::size_t>(digits) - s.size(), '0') + s;
}

}  // namespace

std::string format_fr(const Money& m) {
  std::uint64_t whole, frac;
  split(m.minor, m.currency.minor_digits, whole, frac);
  std::string out = m.minor < 0 ? "-" : "";
  out += group(whole, "\u202F");
  if (m.currency.minor_digits > 0) out += "," + fraction(frac, m.currency.minor_digits);
  const char* sym = symbol_of(m.currency);
  out += "\u00A0";
  out += sym ? sym : std::string(m.currency.view());
  return out;
}

std::string format_en(const Money& m) {
  std::uint64_t whole, frac;
  split(m.minor, m.currency.minor_digits, whole, frac);
  std::string out = m.minor < 0 ? "-" : "";
  const char* sym = symbol_of(m.currency);
  out += sym ? std::string(sym) : std::string(m.currency.view()) + " ";
  out += group(whole, ",");
  if (m.currency.minor_digits > 0) out += "." + fraction(frac, m.currency.minor_digits);
  return out;
}

std::string decimal_comma(std::int64_t minor, int minor_digits) {
  // Through unsigned, so the most negative int64 has a magnitude too.
  const bool negative = minor < 0;
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  if (minor_digits > 0) {
    const std::size_t d = static_cast<std::size_t>(minor_digits);
    if (digits.size() <= d) digits.insert(0, d + 1 - digits.size(), '0');
    digits.insert(digits.size() - d, ",");
  }
  return negative ? "-" + digits : digits;
}

namespace {

// Removes every space a user or a copy-paste may put in an amount.
std::string strip_spaces(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == ' ' || s[i] == '\t') { ++i; continue; }
    if (s.substr(i, 2) == "\u00A0") { i += 2; continue; }
    if (s.substr(i, 3) == "\u202F" || s.substr(i, 3) == "\u2009") { i += 3; continue; }
    out += s[i++];
  }
  return out;
}

bool strip_suffix(std::string& s, std::string_view suffix) {
  if (s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) {
    s.erase(s.size() - suffix.size());
    return true;
  }
  return false;
}

bool strip_prefix(std::string& s, std::string_view prefix) {
  if (s.compare(0, prefix.size(), prefix) == 0) {
    s.erase(0, prefix.size());
    return true;
  }
  return false;
}

}  // namespace

Result<Money> parse_amount(std::string_view text, const Currency& currency) {
  std::string s = strip_spaces(text);
  if (s.empty()) return {std::nullopt, MoneyError::Empty};
  bool negative = strip_prefix(s, "-");
  const char* sym = symbol_of(currency);
  if (!(sym && (strip_suffix(s, sym) || strip_prefix(s, sym)))) {
    if (!strip_suffix(s, currency.view())) strip_prefix(s, currency.view());
  }
  if (!negative) negative = strip_prefix(s, "-");
  if (s.empty()) return {std::nullopt, MoneyError::Malformed};

  // "1.234,56" is ambiguous (thousands or decimals?): refuse it rather than guess.
  std::size_t separators = 0;
  for (char c : s) separators += (c == ',' || c == '.');
  if (separators > 1) return {std::nullopt, MoneyError::Malformed};

  std::uint64_t whole = 0, frac = 0;
  int frac_digits = 0;
  bool seen_separator = false, seen_digit = false;
  for (char c : s) {
    if (c == ',' || c == '.') {
      seen_separator = true;
      continue;
    }
    if (c < '0' || c > '9') return {std::nullopt, MoneyError::Malformed};
    seen_digit = true;
    unsigned d = static_cast<unsigned>(c - '0');
    if (seen_separator) {
      if (++frac_digits > currency.minor_digits) return {std::nullopt, MoneyError::TooManyDecimals};
      frac = frac * 10 + d;
    } else {
      if (whole > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return {std::nullopt, MoneyError::Overflow};
      whole = whole * 10 + d;
    }
  }
  if (!seen_digit) return {std::nullopt, MoneyError::Malformed};
  for (int i = frac_digits; i < currency.minor_digits; ++i) frac *= 10;

  std::uint64_t scale = 1;
  for (int i = 0; i < currency.minor_digits; ++i) scale *= 10;
  const std::uint64_t limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (whole > (limit - frac) / scale) return {std::nullopt, MoneyError::Overflow};
  std::int64_t minor = static_cast<std::int64_t>(whole * scale + frac);
  return {Money{negative ? -minor : minor, currency}, MoneyError::None};
}

}  // namespace quittance::core
