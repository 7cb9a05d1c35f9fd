// A CSV writer for the accountant's spreadsheet, French conventions: UTF-8 with a BOM (so
// Excel reads the accents), ";" between fields (the comma is the decimal separator), CRLF line
// ends, RFC 4180 quoting, amounts as "1234,56" (no thousands separator, so the cell stays a
// number), dates as dd/mm/yyyy.
//
// Text cells are guarded against formula injection: a patient named "=HYPERLINK(...)" must
// not become a live formula in the accountant's spreadsheet, so text starting with = + - @,
// a tab or a CR gets a leading apostrophe (OWASP's advice). Amounts are not text: "-12,50" stays
// a number.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace quittance::app {

class CsvWriter {
 public:
  // `minor_digits`: the currency's decimals (2 for the euro), for amount().
  explicit CsvWriter(int minor_digits = 2);

  CsvWriter& text(std::string_view value);  // guarded and quoted as needed
  CsvWriter& amount(std::int64_t minor);    // 123456 -> 1234,56
  CsvWriter& date(std::string_view iso);    // "2026-11-21" -> 21/11/2026; "" stays empty
  // Ends the current row (CRLF).
  CsvWriter& end_row();
  // The document so far: BOM, then the rows.
  const std::string& str() const { return out_; }

 private:
  void field(std::string_view raw);  // appends a separator if needed, then `raw` as is
  std::string out_;
  int minor_digits_;
  bool row_started_ = false;
};

// The pieces, for tests and other exports.
std::string csv_quote(std::string_view value);                    // RFC 4180: quoted only if it must be
std::string csv_guard(std::string_view value);                    // the formula-injection guard alone

}  // namespace quittance::app
