// Widget recording for the automation surface. See widget_log.h.
#include "ui/widget_log.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <cstring>
#include <unordered_map>
#include <nlohmann/json.hpp>

namespace quittance::ui {

namespace {
struct Log {
  std::vector<WidgetInfo> building;  // this frame's, filled while it is drawn
  std::vector<WidgetInfo> last;      // the previous complete frame's
  // Rectangles given to ItemAdd this frame, by id: tab items report their info before they
  // are laid out, so their rectangles are taken from here once the frame is complete.
  std::unordered_map<ImGuiID, ImRect> rects;
};
Log g_log;

std::string visible_part(const char* label) {
  const char* end = std::strstr(label, "##");
  return end ? std::string(label, end) : std::string(label);
}

void record(unsigned id, const char* kind, const char* label, const ImRect& r, bool enabled, bool checked) {
  WidgetInfo w;
  w.id = id;
  w.kind = kind;
  w.label = visible_part(label);
  w.key = label;
  w.x = r.Min.x;
  w.y = r.Min.y;
  w.w = r.GetWidth();
  w.h = r.GetHeight();
  w.enabled = enabled;
  w.checked = checked;
  g_log.building.push_back(std::move(w));
}
}  // namespace

void widget_log_begin_frame() {
  g_log.building.clear();
  g_log.rects.clear();
  GImGui->TestEngineHookItems = true;
}

void widget_log_end_frame() {
  for (WidgetInfo& w : g_log.building) {
    auto rect = g_log.rects.find(w.id);
    if (w.id == 0 || rect == g_log.rects.end()) continue;
    w.x = rect->second.Min.x;
    w.y = rect->second.Min.y;
    w.w = rect->second.GetWidth();
    w.h = rect->second.GetHeight();
  }
  g_log.last.swap(g_log.building);
}

const std::vector<WidgetInfo>& widget_log_last_frame() { return g_log.last; }

void label(const char* text) {
  ImGui::TextUnformatted(text);
  ImRect r(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  if (ImGui::IsItemVisible()) record(0, "text", text, r, true, false);
}

void label_fitted(const std::string& text) {
  const float room = ImGui::GetContentRegionAvail().x;
  if (ImGui::CalcTextSize(text.c_str()).x <= room) {
    label(text.c_str());
    return;
  }
  // The longest start of the text, cut between characters, that fits with « … ».
  const char* const ellipsis = "\u2026";
  std::size_t fits = 0;
  for (std::size_t at = 1; at <= text.size(); ++at) {
    if (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) continue;  // inside a character
    if (ImGui::CalcTextSize((text.substr(0, at) + ellipsis).c_str()).x > room) break;
    fits = at;
  }
  const std::string shown = text.substr(0, fits) + ellipsis;
  ImGui::TextUnformatted(shown.c_str());
  const ImRect r(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  if (ImGui::IsItemVisible()) record(0, "text", text.c_str(), r, true, false);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
}

void name_last_widget(const char* text) {
  const ImGuiID id = ImGui::GetItemID();
  if (!g_log.building.empty() && g_log.building.back().id == id) {
    g_log.building.back().label = text;
    return;
  }
  // Widgets that have no test-engine hook (combo boxes) are recorded here, from the last item.
  if (!ImGui::IsItemVisible()) return;
  const ImGuiLastItemData& item = GImGui->LastItemData;
  record(id, "item", text, item.Rect, !(item.InFlags & ImGuiItemFlags_Disabled), false);
}

std::string widget_log_json() {
  nlohmann::json out = nlohmann::json::array();
  for (const WidgetInfo& w : g_log.last) {
    out.push_back({{"id", w.id}, {"kind", w.kind}, {"label", w.label}, {"key", w.key}, {"x", w.x}, {"y", w.y},
                   {"w", w.w}, {"h", w.h}, {"enabled", w.enabled}, {"checked", w.checked}});
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace quittance::ui

// --- ImGui test-engine hooks (declared in imgui_internal.h) -------------------------------

void ImGuiTestEngineHook_ItemAdd(ImGuiContext*, const ImRect& bb, ImGuiID id) {
  quittance::ui::g_log.rects[id] = bb;
}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext* ctx, ImGuiID id, const char* label, ImGuiItemStatusFlags flags) {
  if (!label || !*label) return;
  const ImGuiLastItemData& item = ctx->LastItemData;
  const bool enabled = !(item.InFlags & ImGuiItemFlags_Disabled);
  const bool checkable = flags & ImGuiItemStatusFlags_Checkable;
  quittance::ui::record(id, checkable ? "checkbox" : "item", label, item.Rect, enabled,
                        (flags & ImGuiItemStatusFlags_Checked) != 0);
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}

const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }
