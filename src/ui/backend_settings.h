// Paramètres → « Serveur »: this device's link to the clinic's server. Its state (online,
// offline, not paired, revoked), whether card payments are available there, and pairing with
// a code given by another device of the clinic (or printed by scripts/run).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "sync/backend.h"

namespace quittance::ui {

struct BackendSettingsState {
  std::string server_url;  // "" : the server of this page
  std::string code;
  std::string device_name;
  bool pairing = false;  // a pairing request is awaited
  bool confirm_forget = false;
  std::string new_code;  // a code for another device, shown until used or expired
  std::string new_code_expires;
  std::string new_device_role = "billing";  // the ceiling of the device the next code pairs
  nlohmann::json devices;  // the last list asked for (null: not asked yet)
  bool listing = false;
  std::string confirm_revoke;  // the device whose revocation awaits confirmation
  std::string message_key;     // the last pairing's outcome
  bool failed = false;
};

void draw_backend_settings(sync::Backend* backend, BackendSettingsState& state);

}  // namespace quittance::ui
