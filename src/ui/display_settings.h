// How the interface looks on this device, for low vision: the high-contrast palette
// (palette.h) and the text size, kept by the device (Platform::remember), not by the practice's
// books — each practitioner's screen and eyes are their own. Until someone chooses, the
// contrast follows the system's « contraste élevé » (prefers-contrast: more).
#pragma once

namespace quittance::ui {

// At start-up, once the platform hooks are in place.
void apply_display_preferences(bool system_prefers_contrast);
// Paramètres → Cabinet: « Affichage ».
void draw_display_settings();

// The chosen text size, 1 (100 %) to 2 (200 %). The platform lays the whole interface out at
// this zoom, as the browser's own zoom would: a 1280-pixel window at 200 % is laid out in 640,
// which the screens reflow into (reflow.h).
float text_scale();

}  // namespace quittance::ui
