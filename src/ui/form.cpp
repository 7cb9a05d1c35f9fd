// Form widgets. See form.h.
#include "ui/form.h"

#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "core/money.h"
#include "ui/announce.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/sign_in.h"
#include "ui/widget_log.h"
#include "ui/theme.h"

namespace quittance::ui {

bool text_field(const char* text, const char* id, std::string* value, float width) {
  label(text);
  ImGui::SetNextItemWidth(fit(width));
  const bool entered = ImGui::InputText(id, value, ImGuiInputTextFlags_EnterReturnsTrue);
  name_last_widget(text);
  field_value(*value);
  return entered;
}

bool radio(const char* text, bool active) {
  const bool pressed = ImGui::RadioButton(text, active);
  last_widget_is("radio", active);
  return pressed;
}

void begin_side_group(float width, bool next_to) {
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  // Beside the previous group when the line has room (not in a narrow window: it goes under).
  if (next_to && room_beside(width, gap)) {
    // Not SameLine(): a line that held a field offsets its text by the frame's padding, and
    // the caption would sit lower than its neighbour's.
    ImGui::SetCursorScreenPos(ImVec2(ImGui::GetItemRectMax().x + gap, ImGui::GetItemRectMin().y));
  }
  ImGui::BeginGroup();
}

void side_field(const char* text, const char* id, std::string* value, float width, bool next_to) {
  begin_side_group(width, next_to);
  text_field(text, id, value, width);
  ImGui::EndGroup();
}

void push_wrap(float width) {
  ImGui::PushTextWrapPos(std::min(ImGui::GetCursorPosX() + width, ImGui::GetContentRegionMax().x));
}

void tax_rate_combo(const char* id, const char* name, const app::Json& rates, std::string* tax_rate_id, float width) {
  std::string current;
  for (const auto& r : rates) {
    if (r["tax_rate_id"] == *tax_rate_id) current = r["name"];
  }
  ImGui::SetNextItemWidth(width);
  const bool open = ImGui::BeginCombo(id, current.c_str());
  name_last_widget(name, current.c_str());
  if (!open) return;
  for (const auto& r : rates) {
    if (r["archived"] == true) continue;
    const std::string text = r["name"].get<std::string>() + "##rate-" + r["tax_rate_id"].get<std::string>();
    if (ImGui::Selectable(text.c_str(), r["tax_rate_id"] == *tax_rate_id)) *tax_rate_id = r["tax_rate_id"];
  }
  ImGui::EndCombo();
}

bool role_combo(const char* id, const std::string& name, std::string* role) {
  static constexpr const char* kRoles[] = {"owner", "billing", "practitioner", "read_only"};
  bool changed = false;
  ImGui::SetNextItemWidth(fit(200));
  const bool open = ImGui::BeginCombo(id, tr(role_key(*role)));
  name_last_widget(name.c_str(), tr(role_key(*role)));
  if (open) {
    for (const char* r : kRoles) {
      if (ImGui::Selectable(tr_id(role_key(r), std::string("role-") + r).c_str(), *role == r)) {
        *role = r;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

bool search_shortcut() {
  const ImGuiIO& io = ImGui::GetIO();
  return (io.KeyCtrl || io.KeySuper) && ImGui::IsKeyPressed('F', false);
}

bool alt_shortcut(char letter) {
  widget_shortcut(std::string("Alt+") + letter);
  const ImGuiIO& io = ImGui::GetIO();
  return io.KeyAlt && !io.KeyCtrl && !io.KeySuper && ImGui::IsKeyPressed(letter, false) &&
         !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
}

bool escape_pressed() { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false); }

void right_aligned(const std::string& text) {
  const float width = ImGui::CalcTextSize(text.c_str()).x;
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x - width);
  label(text.c_str());
}

void table_headers(std::initializer_list<int> right) {
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  const ImGuiTable* table = ImGui::GetCurrentTable();
  for (int column = 0; column < ImGui::TableGetColumnCount(); ++column) {
    if (!ImGui::TableSetColumnIndex(column)) continue;
    const char* name = ImGui::TableGetColumnName(column);
    if (std::find(right.begin(), right.end(), column) != right.end()) {
      // ImGui draws a sortable column's arrow at the cell's right end: the name stops before it.
      const bool sortable = (table->Flags & ImGuiTableFlags_Sortable) &&
                            !(ImGui::TableGetColumnFlags(column) & ImGuiTableColumnFlags_NoSort);
      const float arrow = sortable ? ImFloor(ImGui::GetFontSize() * 0.65f + ImGui::GetStyle().FramePadding.x) : 0.0f;
      const float room = ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(name).x - arrow;
      if (room > 0) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + room);
    }
    ImGui::PushID(column);
    ImGui::TableHeader(name);
    if (*name) name_last_widget(name);
    ImGui::PopID();
  }
}

app::Json result_of(const app::Json& answer) {
  if (answer.value("ok", false) && answer.contains("result") && answer["result"].is_object()) return answer["result"];
  return app::Json::object();
}

app::Json list_of(const app::Json& answer) {
  if (answer.value("ok", false) && answer.contains("result") && answer["result"].is_array()) return answer["result"];
  return app::Json::array();
}

std::string error_key(const app::Json& answer) {
  std::string key = "error." + answer["error"].value("code", std::string("internal_error"));
  return tr(key) == key ? "error.command_failed" : key;
}

void error_text(const std::string& key) {
  if (key.empty()) return;
  // « au plus {max} », « par exemple {example} »: in the practice's currency ("45,00", "45").
  std::int64_t example = 45;
  for (int i = 0; i < currency().minor_digits; ++i) example *= 10;
  const std::string text = fill(tr(key), {{"max", money(core::kMaxAmount)}, {"example", input_amount(example)}});
  ImGui::PushStyleColor(ImGuiCol_Text, colour(palette().error));
  label(text.c_str());
  ImGui::PopStyleColor();
  field_error(text);
  message_shown(text, true);
}

void outcome_text(const std::string& key) {
  if (key.empty()) return;
  label(tr(key));
  message_shown(tr(key));
}

}  // namespace quittance::ui
