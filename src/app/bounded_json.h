// JSON from anyone outside this process (a pushed operation, a request body, a stored row that
// once came from one), parsed with a bound on nesting. nlohmann/json parses iteratively, but
// copying, comparing and dumping a value recurse once per level: a body nested a few hundred
// thousand levels deep parses fine and then overflows the stack the first time it is copied or
// dumped. The bound is enforced while parsing (a SAX filter), so such a value is never built.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace quittance::app {

// Deep enough for anything Quittance writes (its deepest command nests 4 levels).
inline constexpr std::size_t kMaxJsonDepth = 64;

// The value, or nullopt for text that is not JSON or nests deeper than `max_depth`.
std::optional<nlohmann::json> parse_bounded_json(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

// The same for callers that keep nlohmann's convention: a discarded value on failure.
nlohmann::json parse_bounded_json_or_discarded(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

}  // namespace quittance::app
