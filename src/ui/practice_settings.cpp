// Paramètres → « Cabinet ». See practice_settings.h.
#include "ui/practice_settings.h"

#include <imgui.h>

#include <algorithm>
#include <imgui_stdlib.h>

#include "app/command_id.h"
#include "ui/display_settings.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"
#include "zone/zones.h"

namespace quittance::ui {

namespace {

struct Field {
  const char* key;      // the setting
  const char* caption;  // its catalogue key
  float width;
  bool multiline;
};

// In the order of an invoice's header and footer.
constexpr Field kFields[] = {
    {"practice.name", "settings.practice.name", 420, false},
    {"practice.address", "practice.address", 420, true},
    {"practice.siret", "practice.siret", 220, false},
    {"practice.email", "practice.email", 420, false},
    {"practice.rpps", "practice.rpps", 160, false},
    {"practice.adeli", "practice.adeli", 160, false},
    {"practice.ei_mention", "practice.ei_mention", 420, false},
    {"practice.vat_mention", "practice.vat_mention", 560, false},
    {"practice.cgv_url", "practice.cgv_url", 560, false},
    {"practice.cancellation_terms", "practice.cancellation_terms", 560, true},
    {"device.series", "practice.series", 80, false},
};

std::string setting(app::CommandLayer& commands, const std::string& key) {
  const app::Json answer = commands.query({{"cmd", "settings.get"}, {"key", key}});
  return answer["ok"] == true && answer["result"].is_string() ? answer["result"].get<std::string>() : std::string();
}

void save_language(app::CommandLayer& commands, const char* language) {
  commands.exec({{"cmd", "settings.set"}, {"id", app::new_command_id()}, {"key", "ui.language"}, {"value", language}});
}

// Saves what changed, field by field; stops at the first refusal, named next to its field.
void save(app::CommandLayer& commands, PracticeSettingsState& state) {
  state.error_key.clear();
  state.error_field.clear();
  state.message_key.clear();
  for (const Field& f : kFields) {
    const std::string& value = state.values[f.key];
    if (value == setting(commands, f.key)) continue;
    const app::Json answer =
        commands.exec({{"cmd", "settings.set"}, {"id", app::new_command_id()}, {"key", f.key}, {"value", value}});
    if (answer["ok"] != true) {
      state.error_field = f.key;
      const std::string specific = std::string("practice.invalid.") + f.key;
      state.error_key = answer["error"].value("code", "") == "invalid_argument" && tr(specific) != specific
                            ? specific
                            : error_key(answer);
      return;
    }
  }
  state.message_key = "practice.saved";
}

// The currencies offered, each with every amount of the app, PDFs, emails, exports and Stripe
// in its own minor unit (core/money.h knows a few more, for the command line).
struct CurrencyChoice {
  const char* code;
  const char* caption;  // its catalogue key
};
constexpr CurrencyChoice kCurrencies[] = {
    {"EUR", "practice.currency.eur"}, {"CHF", "practice.currency.chf"}, {"XPF", "practice.currency.xpf"}};

// Chosen once, before the first invoice or payment: the books refuse to change it afterwards
// (settings_commands.cpp), and the choice says so instead of offering what would be refused.
void draw_currency(app::CommandLayer& commands, PracticeSettingsState& state) {
  heading(tr("practice.currency.heading"));
  const std::string current(currency().view());
  name_next_group(tr("practice.currency.heading"));
  bool first = true;
  for (const CurrencyChoice& c : kCurrencies) {
    const std::string caption = tr_id(c.caption, c.code);
    if (!first) beside(choice_width(caption.c_str()));
    first = false;
    ImGui::BeginDisabled(state.currency_locked && current != c.code);
    if (radio(caption.c_str(), current == c.code) && current != c.code) {
      const app::Json answer =
          commands.exec({{"cmd", "settings.set"}, {"id", app::new_command_id()}, {"key", "practice.currency"}, {"value", c.code}});
      state.error_field = "practice.currency";
      state.error_key = answer["ok"] == true ? "" : error_key(answer);
    }
    ImGui::EndDisabled();
  }
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  label(tr(state.currency_locked ? "practice.currency.locked" : "practice.currency.help"));
  ImGui::PopTextWrapPos();
  if (state.error_field == "practice.currency") error_text(state.error_key);
}

// Where the practice is: its « today », the times the app shows and when its emails go out.
// Offered: metropolitan France and the overseas territories (zone/zones.h), named in French.
void draw_time_zone(app::CommandLayer& commands, PracticeSettingsState& state) {
  heading(tr("practice.time_zone.heading"));
  const std::string& current = time_zone();
  const char* shown = current.c_str();
  for (const zone::Offered& z : zone::offered()) {
    if (current == z.id) shown = z.label;
  }
  ImGui::SetNextItemWidth(std::min(420.0f, ImGui::GetContentRegionAvail().x));
  const bool open = ImGui::BeginCombo("##practice-time-zone", shown);
  name_last_widget(tr("practice.time_zone.heading"), shown);
  if (open) {
    for (const zone::Offered& z : zone::offered()) {
      if (ImGui::Selectable((std::string(z.label) + "##zone-" + z.id).c_str(), current == z.id) && current != z.id) {
        const app::Json answer =
            commands.exec({{"cmd", "settings.set"}, {"id", app::new_command_id()}, {"key", "practice.time_zone"}, {"value", z.id}});
        state.error_field = "practice.time_zone";
        state.error_key = answer["ok"] == true ? "" : error_key(answer);
      }
    }
    ImGui::EndCombo();
  }
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  label(tr("practice.time_zone.help"));
  ImGui::PopTextWrapPos();
  if (state.error_field == "practice.time_zone") error_text(state.error_key);
}

void draw_fees(app::CommandLayer& commands) {
  heading(tr("practice.fees.heading"));
  bool pass = setting(commands, "billing.pass_fees") == "1";
  if (ImGui::Checkbox(tr_id("practice.fees.pass", "pass-fees").c_str(), &pass)) {
    commands.exec({{"cmd", "settings.set"},
                   {"id", app::new_command_id()},
                   {"key", "billing.pass_fees"},
                   {"value", pass ? "1" : "0"}});
  }
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  if (pass) {
    ImGui::PushStyleColor(ImGuiCol_Text, colour(palette().warning));
    label(tr("practice.fees.eu_warning"));
    ImGui::PopStyleColor();
  } else {
    label(tr("practice.fees.practice_pays"));
  }
  ImGui::PopTextWrapPos();
}

void draw_demo_loader(app::CommandLayer& commands, PracticeSettingsState& state) {
  const app::Json patients = result_of(commands.query({{"cmd", "patient.list"}, {"limit", 1}}));
  if (patients.value("total", 0) > 0) return;  // only into an empty practice, never mixed with real books
  heading(tr("practice.demo.heading"));
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  label(tr("practice.demo.help"));
  ImGui::PopTextWrapPos();
  const bool pressed = ImGui::Button(tr_id("practice.demo.load", "demo-load").c_str());
  ImGui::Separator();
  if (pressed) {
    const app::Json answer = commands.exec({{"cmd", "demo.load"}, {"id", app::new_command_id()}, {"size", "small"}});
    state.message_key = answer["ok"] == true ? "practice.demo.loaded" : "";
    state.error_key = answer["ok"] == true ? "" : error_key(answer);
    state.loaded_version = UINT64_MAX;  // the demo fills the practice's identity too
  }
}

}  // namespace

void draw_practice_settings(app::CommandLayer& commands, std::uint64_t data_version, PracticeSettingsState& state) {
  // Reloaded when the data changed, unless something is being typed: a sync never eats a
  // half-typed address.
  if (state.loaded_version != data_version && !ImGui::IsAnyItemActive()) {
    for (const Field& f : kFields) state.values[f.key] = setting(commands, f.key);
    state.currency_locked = result_of(commands.query({{"cmd", "app.info"}})).value("has_documents", false);
    state.loaded_version = data_version;
  }
  // First, while the practice is empty: trying Quittance on realistic data is what a newcomer wants.
  draw_demo_loader(commands, state);
  heading(tr("settings.practice.heading"));
  // Caption and field side by side, one row each: the whole identity fits on one screen.
  if (ImGui::BeginTable("##practice-fields", 2, ImGuiTableFlags_SizingFixedFit)) {
    layout_table();
    ImGui::TableSetupColumn("caption", ImGuiTableColumnFlags_WidthFixed, 330);
    ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthStretch);
    for (const Field& f : kFields) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::AlignTextToFramePadding();
      label(tr(f.caption));
      ImGui::TableNextColumn();
      const std::string id = std::string("##") + f.key;
      // As wide as asked, or the room left in a narrow window.
      const float width = std::min(f.width, ImGui::GetContentRegionAvail().x);
      if (f.multiline) {
        ImGui::InputTextMultiline(id.c_str(), &state.values[f.key], ImVec2(width, ImGui::GetTextLineHeight() * 2.6f));
      } else {
        ImGui::SetNextItemWidth(width);
        ImGui::InputText(id.c_str(), &state.values[f.key]);
      }
      name_last_widget(tr(f.caption));
      field_value(state.values[f.key], f.multiline);
      if (state.error_field == f.key) error_text(state.error_key);
    }
    ImGui::EndTable();
  }
  if (ImGui::Button(tr_id("settings.practice.save", "practice-save").c_str())) save(commands, state);
  if (state.error_field.empty()) error_text(state.error_key);
  outcome_text(state.message_key);

  ImGui::Separator();
  heading(tr("settings.language.heading"));
  name_next_group(tr("settings.language.heading"));
  // Each language is named in itself, in both catalogues.
  if (radio(tr_id("language.fr", "lang-fr").c_str(), language() == "fr"))
    save_language(commands, "fr");
  beside(choice_width(tr_id("language.en", "lang-en").c_str()));
  if (radio(tr_id("language.en", "lang-en").c_str(), language() == "en"))
    save_language(commands, "en");
  ImGui::Separator();
  draw_currency(commands, state);
  ImGui::Separator();
  draw_time_zone(commands, state);
  ImGui::Separator();
  draw_display_settings();
  ImGui::Separator();
  draw_fees(commands);
}

}  // namespace quittance::ui
