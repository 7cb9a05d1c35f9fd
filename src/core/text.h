// Two text helpers every layer needs, kept in one place: hex for digests and random tokens,
// trim for header fields and template keys.
#pragma once
#include <string>
#include <string_view>

namespace quittance::core {

// Lower-case hex, two digits a byte.
std::string to_hex(std::string_view bytes);

// `s` without the `blanks` at either end: by default spaces and tabs, HTTP's optional
// whitespace around a header's items.
std::string_view trim(std::string_view s, std::string_view blanks = " \t");

}  // namespace quittance::core
