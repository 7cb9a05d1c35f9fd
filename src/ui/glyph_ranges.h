// The characters the interface can draw, in ImGui's range form (pairs of first and last code
// points, then 0): Latin-1 and Latin Extended-A (œ, Œ, and the names of Polynesia's patients:
// ā ē ī ō ū), the punctuation French typography uses (’ « » … – — “ ” • and the narrow no-break
// space of thousands), the euro sign, the minus sign, arrows (← →) and the status bar's dots
// (● ○). Each range costs start-up time: every glyph is rasterised, in three sizes, before the
// first frame.
// The build cuts the font file down to exactly these (src/platform/web/CMakeLists.txt reads
// this list), so a character added here is one the page's font carries.
#pragma once
#include <imgui.h>

namespace quittance::ui {

inline constexpr ImWchar kGlyphRanges[] = {
    0x0020, 0x017F,  // Basic Latin, Latin-1 Supplement, Latin Extended-A
    0x2010, 0x2027,  // dashes, quotation marks, bullet, ellipsis
    0x202F, 0x202F,  // narrow no-break space
    0x2039, 0x203A,  // ‹ ›
    0x20AC, 0x20AC,  // €
    0x2190, 0x2193,  // ← ↑ → ↓
    0x2212, 0x2212,  // −
    0x25CB, 0x25CB,  // ○
    0x25CF, 0x25CF,  // ●
    0,
};

}  // namespace quittance::ui
