// Rows that wrap. See reflow.h.
#include "ui/reflow.h"

#include <imgui.h>

#include <algorithm>

namespace quittance::ui {

namespace {
// The right edge of the room this item may use, in screen coordinates: the window's content
// region, or the table cell's.
float right_edge() { return ImGui::GetWindowPos().x + ImGui::GetContentRegionMax().x; }
}  // namespace

bool narrow_window() { return ImGui::GetMainViewport()->Size.x < kNarrowWidth; }

bool room_beside(float width, float gap) { return ImGui::GetItemRectMax().x + gap + width <= right_edge(); }

bool beside(float width, float spacing) {
  const float gap = spacing < 0 ? ImGui::GetStyle().ItemSpacing.x : spacing;
  if (!room_beside(width, gap)) return false;
  ImGui::SameLine(0, gap);
  return true;
}

float button_width(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

float choice_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

float table_width(float min_width, ImGuiTableFlags* flags) {
  if (ImGui::GetContentRegionAvail().x >= min_width) return 0.0f;
  *flags |= ImGuiTableFlags_ScrollX;
  return min_width;
}

float table_height(int rows) {
  const float row = ImGui::GetFrameHeightWithSpacing();
  return std::max(ImGui::GetContentRegionAvail().y, (rows + 1) * row);
}

float dialog_width(float width) { return std::min(width, ImGui::GetMainViewport()->Size.x - 32); }

float fit(float width) { return std::max(1.0f, std::min(width, ImGui::GetContentRegionAvail().x)); }

}  // namespace quittance::ui
