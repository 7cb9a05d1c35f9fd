// « Paramètres » screen. See settings_screen.h.
#include "ui/settings_screen.h"

#include <imgui.h>

#include "app/command_id.h"
#include "ui/backend_settings.h"
#include "ui/catalog_settings.h"
#include "ui/form.h"
#include "ui/i18n.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {
std::string setting(app::CommandLayer& commands, const char* key) {
  app::Json answer = commands.query({{"cmd", "settings.get"}, {"key", key}});
  const app::Json& v = answer["result"];
  return answer["ok"] == true && v.is_string() ? v.get<std::string>() : std::string();
}

void save_language(app::CommandLayer& commands, const char* language) {
  commands.exec({{"cmd", "settings.set"}, {"id", app::new_command_id()}, {"key", "ui.language"}, {"value", language}});
}

void draw_practice_tab(app::CommandLayer& commands, SettingsState& state) {
  heading(tr("settings.practice.heading"));
  bool submitted = text_field(tr("settings.practice.name"), "##practice-name", &state.practice_name);
  submitted |= ImGui::Button((std::string(tr("settings.practice.save")) + "##practice-name").c_str());
  if (submitted) {
    app::Json answer = commands.exec(
        {{"cmd", "settings.set"}, {"id", app::new_command_id()}, {"key", "practice.name"}, {"value", state.practice_name}});
    state.message_key = answer["ok"] == true ? "settings.practice.saved" : "settings.practice.save_failed";
  }
  if (!state.message_key.empty()) label(tr(state.message_key));

  ImGui::Spacing();
  ImGui::Separator();
  heading(tr("settings.language.heading"));
  // Each language is named in itself, in both catalogues.
  if (ImGui::RadioButton((std::string(tr("language.fr")) + "##lang-fr").c_str(), language() == "fr")) save_language(commands, "fr");
  ImGui::SameLine();
  if (ImGui::RadioButton((std::string(tr("language.en")) + "##lang-en").c_str(), language() == "en")) save_language(commands, "en");
}
}  // namespace

void draw_settings_screen(app::CommandLayer& commands, sync::Backend* backend, std::uint64_t data_version,
                          SettingsState& state) {
  if (state.loaded_version != data_version) {
    // Reload the form only when nothing is being typed, so a sync never eats a half-typed name.
    if (!ImGui::IsAnyItemActive()) state.practice_name = setting(commands, "practice.name");
    state.loaded_version = data_version;
  }
  title(tr("settings.title"));
  if (!ImGui::BeginTabBar("##settings-tabs")) return;
  // "###" ids keep each tab (and what it remembers) the same across languages.
  if (ImGui::BeginTabItem((std::string(tr("settings.practice.heading")) + "###tab-practice").c_str())) {
    draw_practice_tab(commands, state);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem((std::string(tr("catalog.payment_types")) + "###tab-payment-types").c_str())) {
    draw_payment_types_settings(commands, state.catalog);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem((std::string(tr("catalog.tax_rates")) + "###tab-tax-rates").c_str())) {
    draw_tax_rates_settings(commands, state.catalog);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem((std::string(tr("catalog.services")) + "###tab-services").c_str())) {
    draw_services_settings(commands, state.catalog);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem((std::string(tr("backend.tab")) + "###tab-server").c_str())) {
    draw_backend_settings(backend, state.backend);
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

}  // namespace quittance::ui
