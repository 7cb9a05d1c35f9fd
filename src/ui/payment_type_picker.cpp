// The payment-type choice. See payment_type_picker.h.
#include "ui/payment_type_picker.h"

#include <imgui.h>

#include <utility>
#include <vector>

#include "ui/form.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

bool offered(const app::Json& type, const PaymentTypeChoices& choices) {
  const std::string id = type.value("payment_type_id", std::string());
  if (!choices.keep_id.empty() && id == choices.keep_id) return true;
  if (type.value("archived", false)) return false;
  if (id == "account" || id == "credit_note") return choices.from_credit;
  if (id == "card_online") return choices.card_online;
  return true;
}

}  // namespace

bool payment_type_picker(app::CommandLayer& commands, const char* caption, const char* id, std::string* type_id,
                         const PaymentTypeChoices& choices, float width) {
  std::vector<std::pair<std::string, std::string>> entries;  // id, label
  if (!choices.extra_id.empty()) entries.emplace_back(choices.extra_id, choices.extra_label);
  const app::Json types = commands.query({{"cmd", "payment_type.list"}}).value("result", app::Json::array());
  for (const app::Json& t : types) {
    if (offered(t, choices)) entries.emplace_back(t.value("payment_type_id", std::string()), t.value("label", std::string()));
  }
  if (entries.empty()) return false;
  std::string current;
  for (const auto& [entry_id, text] : entries) {
    if (entry_id == *type_id) current = text;
  }
  if (current.empty()) {  // not offered here (archived since, or another form's): the first one
    *type_id = entries.front().first;
    current = entries.front().second;
  }
  label(caption);
  ImGui::SetNextItemWidth(width);
  bool changed = false;
  const bool open = ImGui::BeginCombo(id, current.c_str());
  name_last_widget(caption, current.c_str());
  if (open) {
    for (const auto& [entry_id, text] : entries) {
      if (ImGui::Selectable((text + "##type-" + entry_id).c_str(), entry_id == *type_id) && entry_id != *type_id) {
        *type_id = entry_id;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

}  // namespace quittance::ui
