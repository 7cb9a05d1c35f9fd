// « Paramètres »: the practice's identity, mentions, series and fees (practice_settings.h),
// payment types, tax rates, acts, users, this device's server, exports and backups.
#pragma once
#include <cstdint>

#include "ui/shell.h"

namespace quittance::ui {

void draw_settings_screen(app::CommandLayer& commands, sync::Backend* backend, std::uint64_t data_version,
                          SettingsState& state);

}  // namespace quittance::ui
