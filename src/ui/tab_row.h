// A row of tabs that wraps to a second line when the window is narrow, instead of cutting
// their names (ImGui's tab bar shrinks them to « Paiements et acom… » at 1024 pixels). Each tab
// is a button that reads as selected; Tab and Enter reach and choose it like any button.
#pragma once
#include <string>
#include <vector>

namespace quittance::ui {

struct TabSpec {
  std::string key;  // the catalogue key of its name
  std::string id;   // stable across languages: what `selected` holds
};

// Draws the row and a line under it; `*selected` is the chosen tab's id (the first tab's when
// empty or unknown). True when the user chose another tab this frame.
bool tab_row(const char* row_id, const std::vector<TabSpec>& tabs, std::string* selected);

}  // namespace quittance::ui
