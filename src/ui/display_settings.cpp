// This device's display preferences. See display_settings.h.
#include "ui/display_settings.h"

#include <imgui.h>

#include "ui/i18n.h"
#include "ui/platform_hooks.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {
constexpr const char* kContrastKey = "display.contrast";  // "high", "standard", or "" (the system's)
}

void apply_display_preferences(bool system_prefers_contrast) {
  const std::string chosen = platform().recall ? platform().recall(kContrastKey) : std::string();
  apply_theme(chosen.empty() ? system_prefers_contrast : chosen == "high");
}

void draw_display_settings() {
  heading(tr("settings.display.heading"));
  bool high = high_contrast();
  if (ImGui::Checkbox(tr_id("settings.display.high_contrast", "high-contrast").c_str(), &high)) {
    apply_theme(high);
    if (platform().remember) platform().remember(kContrastKey, high ? "high" : "standard");
  }
  muted(tr("settings.display.help"));
}

}  // namespace quittance::ui
