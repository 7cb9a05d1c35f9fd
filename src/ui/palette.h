// The interface's colours, standard and high-contrast, as plain values with no ImGui in them,
// so that a native test can check every text colour against every background it is drawn on
// (WCAG 2.1: at least 4.5:1 for text; the high-contrast palette at least 7:1). theme.cpp turns
// the chosen one into ImGui's style; screens take their few colours (an error, a warning, the
// shell's panels) from palette(), never as literals.
#pragma once
#include <cmath>

namespace quittance::ui {

struct Rgb {
  int r = 0, g = 0, b = 0;
};

struct Palette {
  Rgb window;         // the screen's background
  Rgb nav;            // the navigation panel
  Rgb status;         // the status bar
  Rgb field;          // text fields, cards
  Rgb text;
  Rgb muted;          // hints, dates of reading
  Rgb error;          // refusals
  Rgb warning;        // an overdue amount, a notice
  Rgb button, button_hovered, button_active;
  Rgb header, header_hovered, header_active;  // selected rows, open tabs, the section open
  Rgb border;
  Rgb check;          // check marks, radio dots
  Rgb focus;          // the keyboard focus' frame
  float border_size;  // frames' border, in CSS pixels
};

// The backgrounds each text colour is drawn on, for the contrast test.
inline constexpr Rgb Palette::*kBackgrounds[] = {&Palette::window, &Palette::nav, &Palette::status, &Palette::field,
                                                 &Palette::button, &Palette::button_hovered, &Palette::header,
                                                 &Palette::header_hovered};
inline constexpr Rgb Palette::*kTexts[] = {&Palette::text, &Palette::muted, &Palette::error, &Palette::warning};

inline constexpr Palette kStandardPalette{
    {250, 251, 252}, {235, 240, 247}, {224, 232, 242}, {255, 255, 255},
    {28, 35, 48},    {80, 88, 100},   {160, 24, 24},   {128, 68, 0},
    {214, 228, 247}, {190, 212, 242}, {166, 196, 236},
    {221, 232, 247}, {206, 222, 244}, {190, 210, 240},
    {205, 211, 220}, {31, 94, 168},   {31, 94, 168},   1.0f};

// Black on white, strong frames, a yellow selection: for low vision and bright rooms.
inline constexpr Palette kHighContrastPalette{
    {255, 255, 255}, {255, 255, 255}, {255, 255, 255}, {255, 255, 255},
    {0, 0, 0},       {40, 40, 40},    {128, 0, 0},     {96, 44, 0},
    {255, 255, 255}, {230, 230, 230}, {200, 200, 200},
    {255, 221, 87},  {255, 235, 150}, {245, 200, 40},
    {0, 0, 0},       {0, 0, 0},       {0, 60, 180},    2.0f};

// WCAG 2.1 relative luminance and contrast ratio (1 to 21).
inline double relative_luminance(Rgb c) {
  auto channel = [](int v) {
    const double s = v / 255.0;
    return s <= 0.03928 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

inline double contrast_ratio(Rgb a, Rgb b) {
  const double la = relative_luminance(a), lb = relative_luminance(b);
  return (la > lb ? la + 0.05 : lb + 0.05) / (la > lb ? lb + 0.05 : la + 0.05);
}

}  // namespace quittance::ui
