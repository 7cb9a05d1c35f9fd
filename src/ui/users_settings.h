// Paramètres → « Utilisateurs »: the people who work in the practice, their role (Titulaire,
// Facturation, Praticien, Lecture seule), their PIN for the sign-in on a shared device, and
// archiving someone who left (their name stays on what they did).
#pragma once
#include <string>

#include "app/commands.h"

namespace quittance::ui {

struct UsersSettingsState {
  std::string new_name, new_role = "billing";
  std::string pin_user;  // the user whose PIN is being set, "" for none
  std::string pin, pin_again;
  std::string error_key, message_key;
};

void draw_users_settings(app::CommandLayer& commands, UsersSettingsState& state);

}  // namespace quittance::ui
