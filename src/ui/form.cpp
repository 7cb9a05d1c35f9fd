// Form widgets. See form.h.
#include "ui/form.h"

#include <imgui_stdlib.h>

#include "ui/widget_log.h"

namespace quittance::ui {

bool text_field(const char* text, const char* id, std::string* value, float width) {
  label(text);
  ImGui::SetNextItemWidth(width);
  const bool entered = ImGui::InputText(id, value, ImGuiInputTextFlags_EnterReturnsTrue);
  name_last_widget(text);
  return entered;
}

}  // namespace quittance::ui
