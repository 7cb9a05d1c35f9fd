// This device's display preferences. See display_settings.h.
#include "ui/display_settings.h"

#include <imgui.h>

#include <string>

#include "ui/form.h"
#include "ui/i18n.h"
#include "ui/platform_hooks.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {
constexpr const char* kContrastKey = "display.contrast";  // "high", "standard", or "" (the system's)
constexpr const char* kTextSizeKey = "display.text_size";  // a percentage among kTextSizes
constexpr int kTextSizes[] = {100, 125, 150, 175, 200};
int g_text_size = 100;
}  // namespace

void apply_display_preferences(bool system_prefers_contrast) {
  const std::string chosen = platform().recall ? platform().recall(kContrastKey) : std::string();
  apply_theme(chosen.empty() ? system_prefers_contrast : chosen == "high");
  const std::string size = platform().recall ? platform().recall(kTextSizeKey) : std::string();
  for (int s : kTextSizes) {
    if (size == std::to_string(s)) g_text_size = s;
  }
}

float text_scale() { return g_text_size / 100.0f; }

void draw_display_settings() {
  heading(tr("settings.display.heading"));
  bool high = high_contrast();
  if (ImGui::Checkbox(tr_id("settings.display.high_contrast", "high-contrast").c_str(), &high)) {
    apply_theme(high);
    if (platform().remember) platform().remember(kContrastKey, high ? "high" : "standard");
  }
  // « Taille du texte » : 100 % … 200 %, one radio button each (a screen reader says which is on).
  label(tr("settings.display.text_size"));
  name_next_group(tr("settings.display.text_size"));
  bool first = true;
  for (int s : kTextSizes) {
    const std::string text = std::to_string(s) + "\u202f%##text-size-" + std::to_string(s);
    if (!first) beside(choice_width(text.c_str()));
    first = false;
    if (radio(text.c_str(), g_text_size == s) && g_text_size != s) {
      g_text_size = s;
      if (platform().remember) platform().remember(kTextSizeKey, std::to_string(s));
    }
  }
  push_wrap(760);
  muted(tr("settings.display.help"));
  ImGui::PopTextWrapPos();
}

}  // namespace quittance::ui
