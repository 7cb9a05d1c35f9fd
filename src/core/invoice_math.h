// Invoice and credit-note arithmetic: line amounts and document totals, in minor units.
//
// The rounding rule (one, documented, proven by tests/unit/invoice_math_test.cpp):
//   gross    = quantity × unit price, rounded half-up to the cent   (quantity in thousandths)
//   discount = gross × percent, rounded half-up to the cent; or a fixed amount (≤ gross)
//   net      = gross − discount                                    (HT)
//   tax      = net × rate, rounded half-up to the cent             (rate in basis points)
//   total    = net + tax                                           (TTC)
// Rounding happens per line; a document's totals are the sums of its lines' rounded amounts,
// so the printed lines always add up to the printed total.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace quittance::core {

enum class DiscountKind { None, Percent, Amount };

struct LineInput {
  std::int64_t quantity_milli = 1000;  // 1000 = 1 unit; 500 = half a unit
  std::int64_t unit_price = 0;         // minor units, >= 0
  DiscountKind discount_kind = DiscountKind::None;
  std::int64_t discount_value = 0;     // basis points (Percent: 1000 = 10 %) or minor units (Amount)
  std::int64_t tax_rate_bp = 0;        // basis points: 2000 = 20 %; medical acts are usually 0
};

struct LineAmounts {
  std::int64_t gross = 0;
  std::int64_t discount = 0;
  std::int64_t net = 0;
  std::int64_t tax = 0;
  std::int64_t total = 0;
};

enum class LineError { None, NonPositiveQuantity, NegativePrice, BadDiscount, BadTaxRate, Overflow };
const char* to_string(LineError e);

struct LineResult {
  LineAmounts amounts;
  LineError error = LineError::None;
  bool ok() const { return error == LineError::None; }
};

// (numerator / denominator) rounded half-up, for numerator >= 0 and denominator > 0; nullopt
// on overflow.
std::optional<std::int64_t> mul_div_half_up(std::int64_t a, std::int64_t b, std::int64_t denominator);

LineResult compute_line(const LineInput& line);

struct DocumentTotals {
  std::int64_t net = 0;
  std::int64_t tax = 0;
  std::int64_t total = 0;
};
// Sums already-computed lines; nullopt on overflow.
std::optional<DocumentTotals> sum_lines(const std::vector<LineAmounts>& lines);

// Parses a quantity as typed ("1", "2,5", "0.25") into thousandths; nullopt if malformed,
// not positive, or with more than three decimals.
std::optional<std::int64_t> parse_quantity(std::string_view text);

// Parses a percentage ("10", "12,5", "5.25") into basis points; nullopt if malformed,
// negative, above 100 %, or with more than two decimals.
std::optional<std::int64_t> parse_percent(std::string_view text);

}  // namespace quittance::core
