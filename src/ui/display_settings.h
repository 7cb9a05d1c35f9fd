// How the interface looks on this device, for low vision: the high-contrast palette
// (palette.h), kept by the device (Platform::remember), not by the practice's books — each
// practitioner's screen and eyes are their own. Until someone chooses, it follows the
// system's « contraste élevé » (prefers-contrast: more).
#pragma once

namespace quittance::ui {

// At start-up, once the platform hooks are in place.
void apply_display_preferences(bool system_prefers_contrast);
// Paramètres → Cabinet: « Affichage ».
void draw_display_settings();

}  // namespace quittance::ui
