// Paramètres → « Utilisateurs ». See users_settings.h.
#include "ui/users_settings.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/command_id.h"
#include "app/pin.h"
#include "ui/form.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/sign_in.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

void run(app::CommandLayer& commands, UsersSettingsState& state, app::Json cmd, const char* done_key) {
  cmd["id"] = app::new_command_id();
  const app::Json answer = commands.exec(cmd);
  state.error_key = answer["ok"] == true ? "" : error_key(answer);
  state.message_key = answer["ok"] == true ? done_key : "";
}

void draw_pin_form(app::CommandLayer& commands, UsersSettingsState& state) {
  ImGui::Indent();
  label(tr("users.pin_help"));
  for (auto [caption, value, id] : {std::tuple{"users.pin", &state.pin, "##new-pin"},
                                    std::tuple{"users.pin_again", &state.pin_again, "##new-pin-again"}}) {
    label(tr(caption));
    ImGui::SetNextItemWidth(fit(160));
    ImGui::InputText(id, value, ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal);
    name_last_widget(tr(caption));
  }
  if (ImGui::Button(tr_id("users.pin_save", "pin-save").c_str())) {
    if (!app::valid_pin(state.pin)) {
      state.error_key = "users.pin_invalid";
    } else if (state.pin != state.pin_again) {
      state.error_key = "users.pin_mismatch";
    } else {
      const std::string salt = app::new_pin_salt();
      run(commands, state,
          {{"cmd", "user.set_pin"},
           {"user_id", state.pin_user},
           {"pin_salt", salt},
           {"pin_hash", app::hash_pin(salt, state.pin)}},
          "users.pin_saved");
      if (state.error_key.empty()) state.pin_user.clear();
    }
    state.pin.clear();
    state.pin_again.clear();
  }
  beside(button_width(tr_id("pay.cancel", "pin-cancel").c_str()));
  if (ImGui::Button(tr_id("pay.cancel", "pin-cancel").c_str())) state.pin_user.clear();
  ImGui::Unindent();
}

}  // namespace

void draw_users_settings(app::CommandLayer& commands, UsersSettingsState& state) {
  heading(tr("users.heading"));
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  label(tr("users.help"));
  ImGui::PopTextWrapPos();
  const app::Json users = list_of(commands.query({{"cmd", "user.list"}}));
  for (const auto& u : users) {
    const std::string id = u["user_id"];
    ImGui::PushID(id.c_str());
    std::string line = u["name"].get<std::string>();
    if (u["has_pin"] == true) line += "   " + std::string(tr("users.has_pin"));
    if (u["archived"] == true) line += "   " + std::string(tr("users.archived"));
    label(line.c_str());
    if (u["archived"] != true) {
      ImGui::SameLine(320);
      std::string role = u["role"];
      if (role_combo("##role", std::string(tr("users.role")) + " — " + u["name"].get<std::string>(), &role))
        run(commands, state, {{"cmd", "user.update"}, {"user_id", id}, {"role", role}}, "users.saved");
      beside(button_width(tr_id("users.set_pin", std::string("set-pin-") + id).c_str()));
      if (ImGui::SmallButton(tr_id("users.set_pin", std::string("set-pin-") + id).c_str())) {
        state.pin_user = id;
        state.error_key.clear();
      }
      beside(button_width(tr_id("users.archive", std::string("archive-") + id).c_str()));
      if (ImGui::SmallButton(tr_id("users.archive", std::string("archive-") + id).c_str())) {
        run(commands, state, {{"cmd", "user.update"}, {"user_id", id}, {"archived", true}}, "users.saved");
      }
    }
    ImGui::PopID();
    if (state.pin_user == id) draw_pin_form(commands, state);
  }
  ImGui::Spacing();
  heading(tr("users.add"));
  text_field(tr("users.name"), "##new-user-name", &state.new_name, 320);
  label(tr("users.role"));
  role_combo("##new-user-role", tr("users.role"), &state.new_role);
  if (ImGui::Button(tr_id("users.add_submit", "add-user").c_str())) {
    run(commands, state, {{"cmd", "user.create"}, {"name", state.new_name}, {"role", state.new_role}}, "users.added");
    if (state.error_key.empty()) state.new_name.clear();
  }
  error_text(state.error_key);
  outcome_text(state.message_key);
}

}  // namespace quittance::ui
