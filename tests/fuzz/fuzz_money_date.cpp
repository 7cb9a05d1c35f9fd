// The parsers of what a practitioner types (src/core/money.h, date.h): any text is refused or
// gives a value within bounds that formats and parses back to itself.
#include <cstdlib>
#include <string_view>

#include "core/date.h"
#include "core/money.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace quittance::core;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Result<Money> amount = parse_amount(text, euro());
  if (amount.ok()) {
    const Result<Money> again = parse_amount(format_fr(*amount.value), euro());
    if (!again.ok() || again.value->minor != amount.value->minor) std::abort();
  }
  for (auto parse : {parse_iso_date, parse_fr_date}) {
    const auto d = parse(text);
    if (!d) continue;
    if (!is_valid(*d) || parse_iso_date(format_iso(*d)) != d || parse_fr_date(format_fr(*d)) != d) std::abort();
  }
  return 0;
}
