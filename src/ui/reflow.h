// Rows that wrap instead of running past the window's right edge. A practitioner with low vision
// works at 200 % (the browser's zoom or Paramètres → « Taille du texte »): the desk's 1280-pixel
// window is then laid out in 640, and a row of buttons or fields that fitted must go on to the
// next line, a fixed-width field shrink to the room left, the navigation run across the top.
#pragma once
#include <imgui.h>

namespace quittance::ui {

// Narrower than this, the navigation runs across the top instead of down the left.
constexpr float kNarrowWidth = 860.0f;
bool narrow_window();

// Puts the next item, `width` wide, beside the previous one (ImGui::SameLine(0, spacing); a
// negative spacing is the style's) when the line has room for it, else leaves it on a new line.
// True when it went beside.
bool beside(float width, float spacing = -1.0f);
// Whether the line of the previous item has room for one `width` wide after a `gap`.
bool room_beside(float width, float gap);
// The width of a button (or a small one) showing `label`, its ##id not counted.
float button_width(const char* label);
// The width of a radio button or a checkbox captioned `label`.
float choice_width(const char* label);
// `width`, or the room left on the line when there is less: a field never reaches past the edge.
float fit(float width);
// A table that needs `min_width` to show its columns whole: in a narrower window it scrolls
// sideways (as a data table may, WCAG 1.4.10) instead of cutting its cells. Adds
// ImGuiTableFlags_ScrollX to `flags` then, and returns the inner width to give BeginTable
// (0 when the table fits).
float table_width(float min_width, ImGuiTableFlags* flags);
// The height of a table that scrolls its rows: the rest of the screen, but never fewer than
// `rows` rows (a short window scrolls the screen to it instead of squeezing it to a header).
float table_height(int rows = 8);
// A dialog's width: `width`, or the window's less a margin when the window is narrower.
float dialog_width(float width);

}  // namespace quittance::ui
