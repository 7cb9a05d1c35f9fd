// Who is working: on a device shared by several people (reception, practitioners), each picks
// their name and types their PIN; their role then applies to everything, and the journal
// records them on every operation. A practice of one person without a PIN never sees this.
#pragma once
#include <string>

#include "app/commands.h"

namespace quittance::ui {

struct SessionState {
  bool signed_in = false;
  std::string user_id, user_name, role;
  std::string chosen;  // the user picked on the sign-in screen, awaiting the PIN
  std::string pin;     // as typed; cleared after each try
  std::string error_key;
  int failures = 0;         // wrong PINs in a row
  double locked_until = 0;  // ImGui time before which no PIN is taken
};

// True when the clinic needs a sign-in: more than one active user, or a PIN set.
bool sign_in_needed(app::CommandLayer& commands);
// The sign-in screen. Signs the chosen user in (CommandLayer::set_actor) once the PIN matches.
void draw_sign_in(app::CommandLayer& commands, SessionState& session);
// Signs in as whoever the command layer runs as (a practice of one: no screen at all).
void continue_as_current(app::CommandLayer& commands, SessionState& session);
// Back to the sign-in screen (« Changer d'utilisateur »).
void sign_out(app::CommandLayer& commands, SessionState& session);
// The catalogue key of a role's name (« Titulaire », « Facturation »...).
std::string role_key(const std::string& role);

}  // namespace quittance::ui
