// Form widgets. See form.h.
#include "ui/form.h"

#include <imgui_stdlib.h>

#include "ui/i18n.h"
#include "ui/widget_log.h"

namespace quittance::ui {

bool text_field(const char* text, const char* id, std::string* value, float width) {
  label(text);
  ImGui::SetNextItemWidth(width);
  const bool entered = ImGui::InputText(id, value, ImGuiInputTextFlags_EnterReturnsTrue);
  name_last_widget(text);
  return entered;
}

std::string error_key(const app::Json& answer) {
  std::string key = "error." + answer["error"].value("code", std::string("internal_error"));
  return tr(key) == key ? "error.command_failed" : key;
}

void error_text(const std::string& key) {
  if (key.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.70f, 0.10f, 0.10f, 1.0f));
  label(tr(key));
  ImGui::PopStyleColor();
}

}  // namespace quittance::ui
