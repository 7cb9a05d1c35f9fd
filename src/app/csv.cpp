// The accountant's CSV writer. See csv.h.
#include "app/csv.h"

#include "core/date.h"
#include "core/money.h"

namespace quittance::app {

std::string csv_guard(std::string_view value) {
  if (!value.empty()) {
    const char first = value.front();
    if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
      return "'" + std::string(value);
    }
  }
  return std::string(value);
}

std::string csv_quote(std::string_view value) {
  if (value.find_first_of(";\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char ch : value) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

CsvWriter::CsvWriter(int minor_digits) : out_("\xEF\xBB\xBF"), minor_digits_(minor_digits) {}

void CsvWriter::field(std::string_view raw) {
  if (row_started_) out_ += ';';
  out_ += raw;
  row_started_ = true;
}

CsvWriter& CsvWriter::text(std::string_view value) {
  field(csv_quote(csv_guard(value)));
  return *this;
}

CsvWriter& CsvWriter::amount(std::int64_t minor) {
  field(core::decimal_comma(minor, minor_digits_));
  return *this;
}

CsvWriter& CsvWriter::date(std::string_view iso) {
  if (auto d = core::parse_iso_date(iso)) {
    field(core::format_fr(*d));
  } else {
    text(iso);  // not a date (never from our own columns): kept as guarded text
  }
  return *this;
}

CsvWriter& CsvWriter::end_row() {
  out_ += "\r\n";
  row_started_ = false;
  return *this;
}

}  // namespace quittance::app
