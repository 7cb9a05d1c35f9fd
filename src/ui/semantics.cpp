// The accessibility layer's model. See semantics.h.
#include "ui/semantics.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "ui/keyboard_focus.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {
// Whole CSS pixels: a sub-pixel scroll does not resend the tree.
int px(float v) { return static_cast<int>(std::lround(v)); }

// A dialog is named by its first heading, or else its first text (ImGui's modals here have no
// title bar).
std::string region_name(unsigned region) {
  std::string first_text;
  for (const WidgetInfo& w : widget_log_last_frame()) {
    if (w.root != region) continue;
    if (w.role == "heading") return w.label;
    if (first_text.empty() && w.role == "text") first_text = w.label;
  }
  return first_text;
}
}  // namespace

std::string semantics_json() {
  using nlohmann::json;
  json regions = json::array();
  for (const ContainerInfo& c : widget_log_last_containers()) {
    json r = {{"id", c.id}, {"role", c.role}, {"x", px(c.x)}, {"y", px(c.y)}, {"w", px(c.w)}, {"h", px(c.h)}};
    if (c.role == "dialog") r["name"] = region_name(c.id);
    if (c.rows >= 0) r["rows"] = c.rows;
    regions.push_back(std::move(r));
  }
  json nodes = json::array();
  for (const WidgetInfo& w : widget_log_last_frame()) {
    if (w.role == "caption" || (w.label.empty() && w.role == "text")) continue;
    const std::string name = w.about.empty() ? w.label : w.label + " \u2014 " + w.about;
    json n = {{"id", w.id}, {"key", w.key}, {"role", w.role}, {"name", name}, {"region", w.root},
              {"x", px(w.x)}, {"y", px(w.y)}, {"w", px(w.w)}, {"h", px(w.h)}};
    if (!w.value.empty()) n["value"] = w.value;
    if (!w.error.empty()) n["error"] = w.error;
    if (!w.shortcut.empty()) n["shortcut"] = w.shortcut;
    if (w.table) {
      n["table"] = w.table;
      n["row"] = w.row;
      n["column"] = w.column;
      if (w.row_index >= 0) n["row_index"] = w.row_index;
    }
    if (!w.enabled) n["disabled"] = true;
    if (w.kind == "checkbox") n["checked"] = w.checked;
    if (w.expanded >= 0) n["expanded"] = w.expanded == 1;
    if (w.selected) n["selected"] = true;
    if (w.level) n["level"] = w.level;
    nodes.push_back(std::move(n));
  }
  const unsigned focus = focused_widget();
  const ImGuiContext& g = *GImGui;
  const bool editing = focus != 0 && g.ActiveId == focus && g.InputTextState.ID == focus;
  return json{{"regions", std::move(regions)}, {"nodes", std::move(nodes)}, {"focus", focus}, {"editing", editing}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace quittance::ui
