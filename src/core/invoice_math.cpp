// Invoice arithmetic. See invoice_math.h for the rounding rule.
#include "core/invoice_math.h"

#include <limits>

namespace quittance::core {

const char* to_string(LineError e) {
  switch (e) {
    case LineError::None: return "none";
    case LineError::NonPositiveQuantity: return "non_positive_quantity";
    case LineError::NegativePrice: return "negative_price";
    case LineError::BadDiscount: return "bad_discount";
    case LineError::BadTaxRate: return "bad_tax_rate";
    case LineError::Overflow: return "overflow";
  }
  return "unknown";
}

std::optional<std::int64_t> mul_div_half_up(std::int64_t a, std::int64_t b, std::int64_t denominator) {
  if (a < 0 || b < 0 || denominator <= 0) return std::nullopt;
  std::int64_t product;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  const std::int64_t quotient = product / denominator;
  const std::int64_t remainder = product % denominator;
  // Half-up: round away from zero when the remainder is at least half the denominator.
  return remainder * 2 >= denominator ? quotient + 1 : quotient;
}

LineResult compute_line(const LineInput& in) {
  LineResult r;
  if (in.quantity_milli <= 0) return {{}, LineError::NonPositiveQuantity};
  if (in.unit_price < 0) return {{}, LineError::NegativePrice};
  if (in.tax_rate_bp < 0 || in.tax_rate_bp > 10000) return {{}, LineError::BadTaxRate};
  auto gross = mul_div_half_up(in.quantity_milli, in.unit_price, 1000);
  if (!gross) return {{}, LineError::Overflow};
  std::int64_t discount = 0;
  switch (in.discount_kind) {
    case DiscountKind::None:
      if (in.discount_value != 0) return {{}, LineError::BadDiscount};
      break;
    case DiscountKind::Percent: {
      if (in.discount_value < 0 || in.discount_value > 10000) return {{}, LineError::BadDiscount};
      auto d = mul_div_half_up(*gross, in.discount_value, 10000);
      if (!d) return {{}, LineError::Overflow};
      discount = *d;
      break;
    }
    case DiscountKind::Amount:
      if (in.discount_value < 0 || in.discount_value > *gross) return {{}, LineError::BadDiscount};
      discount = in.discount_value;
      break;
  }
  const std::int64_t net = *gross - discount;
  auto tax = mul_div_half_up(net, in.tax_rate_bp, 10000);
  if (!tax) return {{}, LineError::Overflow};
  std::int64_t total;
  if (__builtin_add_overflow(net, *tax, &total)) return {{}, LineError::Overflow};
  r.amounts = {*gross, discount, net, *tax, total};
  return r;
}

std::optional<DocumentTotals> sum_lines(const std::vector<LineAmounts>& lines) {
  DocumentTotals t;
  for (const LineAmounts& l : lines) {
    if (__builtin_add_overflow(t.net, l.net, &t.net) || __builtin_add_overflow(t.tax, l.tax, &t.tax) ||
        __builtin_add_overflow(t.total, l.total, &t.total)) {
      return std::nullopt;
    }
  }
  return t;
}

namespace {
// A non-negative decimal with at most `max_decimals` decimals, scaled by 10^max_decimals.
std::optional<std::int64_t> parse_scaled(std::string_view text, int max_decimals) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  int decimals = -1;  // -1 until the separator is seen
  bool digit_seen = false;
  for (char c : text) {
    if (c == ',' || c == '.') {
      if (decimals >= 0) return std::nullopt;
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    digit_seen = true;
    if (decimals >= 0 && ++decimals > max_decimals) return std::nullopt;
    if (value > (std::numeric_limits<std::int64_t>::max() - 9) / 10) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (!digit_seen) return std::nullopt;
  for (int i = decimals < 0 ? 0 : decimals; i < max_decimals; ++i) {
    if (value > std::numeric_limits<std::int64_t>::max() / 10) return std::nullopt;
    value *= 10;
  }
  return value;
}
}  // namespace

std::optional<std::int64_t> parse_quantity(std::string_view text) {
  auto v = parse_scaled(text, 3);
  if (!v || *v <= 0) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_percent(std::string_view text) {
  auto v = parse_scaled(text, 2);
  if (!v || *v > 10000) return std::nullopt;
  return v;
}

}  // namespace quittance::core
