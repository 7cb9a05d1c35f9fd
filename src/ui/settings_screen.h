// « Paramètres »: the practice's identity and the interface language, payment types, tax
// rates, acts, and this device's server (pairing, card payments).
#pragma once
#include <cstdint>

#include "ui/shell.h"

namespace quittance::ui {

void draw_settings_screen(app::CommandLayer& commands, sync::Backend* backend, std::uint64_t data_version,
                          SettingsState& state);

}  // namespace quittance::ui
