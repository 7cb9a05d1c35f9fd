// Quittance's look: colours, spacing and fonts (DejaVu Sans, which covers French, « », œ and
// the euro sign). Fonts are rasterised at the screen's pixel ratio so text stays crisp.
#pragma once
#include <imgui.h>

#include "ui/palette.h"

namespace quittance::ui {

// Applies the standard palette, or the high-contrast one (palette.h).
void apply_theme(bool high_contrast = false);
bool high_contrast();
// The palette in use: screens take their few colours of their own from it.
const Palette& palette();
ImVec4 colour(Rgb c);
// (Re)builds the font atlas for `pixel_ratio` from the font file; false if the file is missing
// (ImGui's built-in font is used then, without accents beyond Latin-1).
bool load_fonts(const char* font_path, float pixel_ratio);
// Draws a screen title in the larger font, recorded for automation like ui::label().
void title(const char* text);
// Draws a section heading inside a screen, between title and body size.
void heading(const char* text);
// Draws a key figure (a dashboard amount) in the title's size; read as text, not a heading.
void figure(const char* text);
// Draws secondary text (a hint, a date of reading) in the disabled colour, recorded like label().
void muted(const char* text);

}  // namespace quittance::ui
