// Every text colour of both palettes against every background it is drawn on (ui/palette.h):
// WCAG 2.1 AA (4.5:1) for the standard one, 7:1 for high contrast.
#include <doctest/doctest.h>

#include <string>

#include "ui/palette.h"

using namespace quittance::ui;

namespace {
void check_palette(const Palette& p, double floor, const char* name) {
  for (auto text : kTexts) {
    for (auto background : kBackgrounds) {
      const double ratio = contrast_ratio(p.*text, p.*background);
      INFO(std::string(name) << ": text (" << (p.*text).r << "," << (p.*text).g << "," << (p.*text).b << ") on ("
                << (p.*background).r << "," << (p.*background).g << "," << (p.*background).b << ") = " << ratio);
      CHECK(ratio >= floor);
    }
  }
  // The focus frame and borders stand out from the screen (WCAG 1.4.11: 3:1 for the focus).
  CHECK(contrast_ratio(p.focus, p.window) >= 3.0);
}
}  // namespace

TEST_CASE("contrast ratios follow WCAG's formula") {
  CHECK(contrast_ratio({0, 0, 0}, {255, 255, 255}) == doctest::Approx(21.0));
  CHECK(contrast_ratio({255, 255, 255}, {255, 255, 255}) == doctest::Approx(1.0));
  // #767676 on white is the classic 4.54:1, the lightest grey that passes AA.
  CHECK(contrast_ratio({118, 118, 118}, {255, 255, 255}) == doctest::Approx(4.54).epsilon(0.01));
  CHECK(contrast_ratio({119, 119, 119}, {255, 255, 255}) < 4.5);
}

TEST_CASE("the standard palette's text meets WCAG AA on every background") {
  check_palette(kStandardPalette, 4.5, "standard");
}

TEST_CASE("the high-contrast palette's text meets 7:1 on every background") {
  check_palette(kHighContrastPalette, 7.0, "high contrast");
  CHECK(kHighContrastPalette.border_size > kStandardPalette.border_size);
}
