// Sign-in. See sign_in.h.
#include "ui/sign_in.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "ui/form.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

constexpr int kFreeTries = 5;          // wrong PINs before the screen makes one wait
constexpr double kLockSeconds = 30.0;  // then this long between tries

void sign_in_as(app::CommandLayer& commands, SessionState& s, const app::Json& user) {
  if (!commands.set_actor(user["user_id"])) {
    s.error_key = "sign_in.unknown_user";
    return;
  }
  s.signed_in = true;
  s.user_id = user["user_id"];
  s.user_name = user["name"];
  s.role = user["role"];
  s.chosen.clear();
  s.pin.clear();
  s.error_key.clear();
  s.failures = 0;
}

}  // namespace

std::string role_key(const std::string& role) { return "role." + role; }

bool sign_in_needed(app::CommandLayer& commands) {
  const app::Json users = list_of(commands.query({{"cmd", "user.list"}}));
  int active = 0;
  for (const auto& u : users) {
    if (u["archived"] == true) continue;
    ++active;
    if (u["has_pin"] == true) return true;
  }
  return active > 1;
}

void continue_as_current(app::CommandLayer& commands, SessionState& session) {
  const app::Json users = list_of(commands.query({{"cmd", "user.list"}}));
  for (const auto& u : users) {
    if (u["user_id"] == commands.actor()) sign_in_as(commands, session, u);
  }
}

void sign_out(app::CommandLayer& commands, SessionState& session) {
  commands.act_as_an_owner();  // until someone signs in; the screen shows nothing else meanwhile
  session = SessionState{};
}

void draw_sign_in(app::CommandLayer& commands, SessionState& s) {
  const app::Json users = list_of(commands.query({{"cmd", "user.list"}}));
  title(tr("sign_in.title"));
  ImGui::Spacing();
  if (s.chosen.empty()) {
    label(tr("sign_in.choose"));
    for (const auto& u : users) {
      if (u["archived"] == true) continue;
      const std::string text =
          u["name"].get<std::string>() + " — " + tr(role_key(u["role"])) + "##user-" + u["user_id"].get<std::string>();
      if (ImGui::Button(text.c_str(), ImVec2(420, 0))) {
        if (u["has_pin"] == true) {
          s.chosen = u["user_id"];
          s.error_key.clear();
        } else {
          sign_in_as(commands, s, u);
        }
      }
    }
    return;
  }
  app::Json chosen;
  for (const auto& u : users) {
    if (u["user_id"] == s.chosen) chosen = u;
  }
  if (chosen.is_null()) {
    s.chosen.clear();
    return;
  }
  heading(chosen["name"].get<std::string>().c_str());
  label(tr("sign_in.pin"));
  ImGui::SetNextItemWidth(fit(200));
  // The PIN field is the screen's one field: the user types at once.
  if (s.pin.empty() && !ImGui::IsAnyItemActive()) ImGui::SetKeyboardFocusHere();
  const bool entered = ImGui::InputText(
      "##pin", &s.pin,
      ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal | ImGuiInputTextFlags_EnterReturnsTrue);
  name_last_widget(tr("sign_in.pin"));
  error_text(s.error_key);
  const bool locked = ImGui::GetTime() < s.locked_until;
  if (locked) ImGui::BeginDisabled();
  const bool pressed = ImGui::Button(tr_id("sign_in.submit", "sign-in").c_str());
  if (locked) ImGui::EndDisabled();
  if ((pressed || entered) && !locked) {
    const app::Json check = commands.query({{"cmd", "user.check_pin"}, {"user_id", s.chosen}, {"pin", s.pin}});
    s.pin.clear();
    if (check["ok"] == true && check["result"]["valid"] == true) {
      sign_in_as(commands, s, chosen);
      return;
    }
    s.error_key = "sign_in.wrong_pin";
    if (++s.failures >= kFreeTries) {
      s.locked_until = ImGui::GetTime() + kLockSeconds;
      s.error_key = "sign_in.locked";
    }
  }
  beside(button_width(tr_id("sign_in.other_user", "other-user").c_str()));
  if (ImGui::Button(tr_id("sign_in.other_user", "other-user").c_str())) {
    s.chosen.clear();
    s.pin.clear();
    s.error_key.clear();
  }
}

}  // namespace quittance::ui
