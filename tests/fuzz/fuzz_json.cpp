// Bounded JSON (src/app/bounded_json.h): any bytes parse or are refused, never deeper than the
// bound, and whatever parses dumps and parses again to the same value.
#include <cstdlib>
#include <string_view>

#include "app/bounded_json.h"
#include "fuzz_target.h"

namespace {
std::size_t depth(const nlohmann::json& j) {
  std::size_t deepest = 0;
  if (j.is_structured())
    for (const auto& child : j) deepest = std::max(deepest, depth(child));
  return j.is_structured() ? deepest + 1 : 0;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = quittance::app::parse_bounded_json(text);
  if (!parsed) return 0;
  if (depth(*parsed) > quittance::app::kMaxJsonDepth) std::abort();
  const std::string again = parsed->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto reparsed = quittance::app::parse_bounded_json(again);
  if (!reparsed) std::abort();
  return 0;
}
