// Paramètres → « Cabinet »: the practice's identity and legal mentions as they are printed on
// invoices (name, address, SIRET, RPPS or ADELI, the VAT exemption mention, the « EI » mention,
// general terms and cancellation conditions), this device's invoice series, who pays the
// online payment fees (with the EU rule that forbids passing them to patients), the interface
// language, and « Charger des données de démonstration » for a practice that is still empty.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "app/commands.h"

namespace quittance::ui {

struct PracticeSettingsState {
  std::map<std::string, std::string> values;  // setting key -> as edited
  std::uint64_t loaded_version = UINT64_MAX;
  bool currency_locked = false;  // the books hold a document: their currency is fixed
  std::string error_key, error_field;  // the first refused field
  std::string message_key;
};

void draw_practice_settings(app::CommandLayer& commands, std::uint64_t data_version, PracticeSettingsState& state);

}  // namespace quittance::ui
