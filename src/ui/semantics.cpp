// The accessibility layer's model. See semantics.h.
#include "ui/semantics.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <cmath>
#include <cstdint>
#include <vector>
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

// The widgets a screen reader is told of: not a field's caption (the field carries the name),
// not an empty text.
bool exposed(const WidgetInfo& w) { return w.role != "caption" && !(w.label.empty() && w.role == "text"); }

std::string name_of(const WidgetInfo& w) { return w.about.empty() ? w.label : w.label + " \u2014 " + w.about; }

bool editing(unsigned focus) {
  const ImGuiContext& g = *GImGui;
  return focus != 0 && g.ActiveId == focus && g.InputTextState.ID == focus;
}

// FNV-1a, over what the structure says (not the boxes).
struct Fingerprint {
  std::uint64_t h = 1469598103934665603ull;
  void bytes(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  }
  void text(const std::string& t) {
    bytes(t.data(), t.size());
    bytes("", 1);  // a separator: "ab","c" differs from "a","bc"
  }
  template <typename T>
  void value(T v) { bytes(&v, sizeof v); }
};
}  // namespace

std::uint64_t semantics_fingerprint() {
  Fingerprint f;
  for (const ContainerInfo& c : widget_log_last_containers()) {
    f.value(c.id);
    f.text(c.role);
    f.value(c.rows);
    if (c.role == "dialog") f.text(region_name(c.id));
  }
  for (const WidgetInfo& w : widget_log_last_frame()) {
    if (!exposed(w)) continue;
    f.value(w.id);
    f.text(w.key);
    f.text(w.role);
    f.text(w.label);
    f.text(w.about);
    f.text(w.value);
    f.text(w.error);
    f.text(w.shortcut);
    f.value(w.root);
    f.value(w.table);
    f.value(w.row);
    f.value(w.column);
    f.value(w.row_index);
    f.value(w.enabled);
    f.value(w.checked);
    f.value(w.expanded);
    f.value(w.multiline);
    f.text(w.group);
    f.value(w.selected);
    f.value(w.level);
  }
  const unsigned focus = focused_widget();
  f.value(focus);
  f.value(editing(focus));
  return f.h;
}

std::string semantics_json() {
  using nlohmann::json;
  json regions = json::array();
  for (const ContainerInfo& c : widget_log_last_containers()) {
    json r = {{"id", c.id}, {"role", c.role}};
    if (c.role == "dialog") r["name"] = region_name(c.id);
    if (c.rows >= 0) r["rows"] = c.rows;
    regions.push_back(std::move(r));
  }
  json nodes = json::array();
  for (const WidgetInfo& w : widget_log_last_frame()) {
    if (!exposed(w)) continue;
    json n = {{"id", w.id}, {"key", w.key}, {"role", w.role}, {"name", name_of(w)}, {"region", w.root}};
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
    if (w.multiline) n["multiline"] = true;
    if (!w.group.empty()) n["group"] = w.group;
    if (w.selected) n["selected"] = true;
    if (w.level) n["level"] = w.level;
    nodes.push_back(std::move(n));
  }
  const unsigned focus = focused_widget();
  return json{{"regions", std::move(regions)}, {"nodes", std::move(nodes)}, {"focus", focus}, {"editing", editing(focus)}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

void semantics_boxes(std::vector<std::int32_t>* out) {
  out->clear();
  auto box = [out](float x, float y, float w, float h) {
    out->insert(out->end(), {px(x), px(y), px(w), px(h)});
  };
  for (const ContainerInfo& c : widget_log_last_containers()) box(c.x, c.y, c.w, c.h);
  for (const WidgetInfo& w : widget_log_last_frame()) {
    if (exposed(w)) box(w.x, w.y, w.w, w.h);
  }
}

}  // namespace quittance::ui
