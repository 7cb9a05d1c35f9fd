// Document numbering. See numbering.h.
#include "core/numbering.h"

#include <cstdio>

namespace quittance::core {

const char* prefix_of(DocumentKind kind) { return kind == DocumentKind::Invoice ? "F" : "AV"; }

bool valid_series_code(std::string_view code) {
  if (code.empty() || code.size() > 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

std::string format_document_number(DocumentKind kind, int year, std::string_view series, std::int64_t number) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%06lld", static_cast<long long>(number));
  return std::string(prefix_of(kind)) + "-" + std::to_string(year) + "-" + std::string(series) + "-" + digits;
}

}  // namespace quittance::core
