// « Paramètres »: the practice's identity and the interface language (more to come).
#pragma once
#include <cstdint>

#include "ui/shell.h"

namespace quittance::ui {

void draw_settings_screen(app::CommandLayer& commands, std::uint64_t data_version, SettingsState& state);

}  // namespace quittance::ui
