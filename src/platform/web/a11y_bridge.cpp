// Accessibility glue. See a11y_bridge.h.
#include "platform/web/a11y_bridge.h"

#include <emscripten/emscripten.h>

#include <cstdint>
#include <string>
#include <vector>

#include "platform/web/platform_input.h"
#include "ui/announce.h"
#include "ui/keyboard_focus.h"
#include "ui/semantics.h"

// Implemented in library_a11y.js.
extern "C" {
void qt_a11y_update(const char* json);
void qt_a11y_boxes(const std::int32_t* boxes, int count);
void qt_a11y_announce(const char* text, int urgent);
void qt_a11y_zoom(float zoom);
}

namespace quittance::web {

namespace {
struct Bridge {
  A11yFrameNow frame_now = nullptr;
  std::uint64_t sent = 0;                  // the fingerprint of the structure the page holds
  std::vector<std::int32_t> boxes, shown;  // this frame's boxes, and those the page holds
  bool enabled = true;                     // off only for the benchmark measuring the layer's cost
  float zoom = 1;                          // the zoom the page scales the tree by
};
Bridge g_bridge;
}  // namespace

void a11y_init(A11yFrameNow frame_now) { g_bridge.frame_now = frame_now; }

void a11y_end_frame() {
  ui::announcements_end_frame();
  if (!g_bridge.enabled) {
    ui::take_announcements();
    return;
  }
  const std::uint64_t fingerprint = ui::semantics_fingerprint();
  const bool structure = fingerprint != g_bridge.sent;
  if (structure) {
    g_bridge.sent = fingerprint;
    qt_a11y_update(ui::semantics_json().c_str());
  }
  // The tree is laid out in ImGui's units: the page scales it by the interface's zoom.
  if (input_zoom() != g_bridge.zoom) {
    g_bridge.zoom = input_zoom();
    qt_a11y_zoom(g_bridge.zoom);
  }
  ui::semantics_boxes(&g_bridge.boxes);
  if (structure || g_bridge.boxes != g_bridge.shown) {
    g_bridge.shown = g_bridge.boxes;
    qt_a11y_boxes(g_bridge.shown.data(), static_cast<int>(g_bridge.shown.size()));
  }
  for (const ui::Announcement& a : ui::take_announcements()) qt_a11y_announce(a.text.c_str(), a.urgent ? 1 : 0);
}

}  // namespace quittance::web

// A screen reader moved its focus to a widget's element.
extern "C" EMSCRIPTEN_KEEPALIVE void quittance_a11y_focus(unsigned id) {
  if (quittance::ui::focus_widget(id) && quittance::web::g_bridge.frame_now) quittance::web::g_bridge.frame_now();
}

// A widget's element was clicked without a pointer (a screen reader, Enter on the element).
extern "C" EMSCRIPTEN_KEEPALIVE void quittance_a11y_activate(unsigned id) {
  if (quittance::ui::activate_widget(id) && quittance::web::g_bridge.frame_now) quittance::web::g_bridge.frame_now();
}

// The layer off (0) or on (1), for tests/bench/browser_bench.mjs to measure its cost per frame;
// off empties the page's tree.
extern "C" EMSCRIPTEN_KEEPALIVE void quittance_set_accessibility(int on) {
  quittance::web::Bridge& b = quittance::web::g_bridge;
  b.enabled = on != 0;
  b.sent = 0;  // sent again whole when turned back on
  if (!b.enabled) qt_a11y_update(R"({"regions":[],"nodes":[],"focus":0,"editing":false})");
}
