// UTF-8 to Windows-1252 ("WinAnsiEncoding"), the encoding of the PDF base-14 fonts: French
// accents, « », ’ and € have a byte there. What has none is replaced by its nearest (a narrow
// no-break space by a no-break space, other characters and malformed UTF-8 by '?'), never
// dropped; a combining accent joins the letter before it (e + U+0301 is é). Tabs and line
// breaks become spaces (the layout breaks lines), other control characters '?'.
#pragma once
#include <string>
#include <string_view>

namespace quittance::pdf {

std::string to_winansi(std::string_view utf8);

}  // namespace quittance::pdf
