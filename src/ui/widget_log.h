// The last frame's visible widgets, for window.quittance.ui(): browser tests find a widget by
// its label and click the middle of its rectangle, as a user would.
// Interactive widgets are recorded through ImGui's test-engine item hooks
// (IMGUI_ENABLE_TEST_ENGINE); plain text is recorded by ui::label().
#pragma once
#include <string>
#include <vector>

namespace quittance::ui {

struct WidgetInfo {
  unsigned id = 0;        // ImGui id (0 for text)
  std::string kind;       // "item", "checkbox" or "text"
  std::string label;      // the visible text (what follows "##" is dropped)
  std::string key;        // the full ImGui label, "##" part included, unique on a screen
  float x = 0, y = 0, w = 0, h = 0;  // CSS pixels from the canvas' top-left corner
  bool enabled = true;
  bool checked = false;   // for checkboxes, radio buttons and selected entries
};

void widget_log_begin_frame();
void widget_log_end_frame();
const std::vector<WidgetInfo>& widget_log_last_frame();
// Draws text and records it (ImGui's text items have no hook).
void label(const char* text);
// A label cut with « … » to the room left (a table cell), the whole text on hover and in the log.
void label_fitted(const std::string& text);
// Gives the widget just drawn a visible label (for fields whose label is drawn above them), and
// records it if ImGui has no hook for its kind (combo boxes): call it right after the widget.
void name_last_widget(const char* text);
// The last frame's widgets as a JSON array.
std::string widget_log_json();

}  // namespace quittance::ui
