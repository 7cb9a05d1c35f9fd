// Wrapping tabs. See tab_row.h.
#include "ui/tab_row.h"

#include <imgui.h>

#include "ui/i18n.h"
#include "ui/widget_log.h"

namespace quittance::ui {

bool tab_row(const char* row_id, const std::vector<TabSpec>& tabs, std::string* selected) {
  if (tabs.empty()) return false;
  bool known = false;
  for (const TabSpec& t : tabs) known = known || t.id == *selected;
  if (!known) *selected = tabs.front().id;
  bool changed = false;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  ImGui::PushID(row_id);
  for (std::size_t i = 0; i < tabs.size(); ++i) {
    const TabSpec& t = tabs[i];
    const char* name = tr(t.key);
    const float width = ImGui::CalcTextSize(name).x + style.FramePadding.x * 2;
    if (i > 0) {
      ImGui::SameLine(0, 4);
      if (ImGui::GetCursorScreenPos().x + width > right) ImGui::NewLine();
    }
    const bool on = t.id == *selected;
    ImGui::PushStyleColor(ImGuiCol_Button, style.Colors[on ? ImGuiCol_TabActive : ImGuiCol_Tab]);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, style.Colors[ImGuiCol_TabHovered]);
    const bool pressed = ImGui::Button(tr_id(t.key, t.id).c_str());
    last_widget_is("tab", on);
    if (pressed && !on) {
      *selected = t.id;
      changed = true;
    }
    ImGui::PopStyleColor(2);
  }
  ImGui::PopID();
  ImGui::Separator();
  return changed;
}

}  // namespace quittance::ui
