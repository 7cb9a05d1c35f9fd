// Accessibility glue. See a11y_bridge.h.
#include "platform/web/a11y_bridge.h"

#include <emscripten/emscripten.h>

#include <string>

#include "ui/announce.h"
#include "ui/keyboard_focus.h"
#include "ui/semantics.h"

// Implemented in library_a11y.js.
extern "C" {
void qt_a11y_update(const char* json);
void qt_a11y_announce(const char* text, int urgent);
}

namespace quittance::web {

namespace {
struct Bridge {
  A11yFrameNow frame_now = nullptr;
  std::string sent;    // the document the page holds
  bool enabled = true; // off only for the benchmark that measures what the layer costs
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
  std::string doc = ui::semantics_json();
  if (doc != g_bridge.sent) {
    g_bridge.sent.swap(doc);
    qt_a11y_update(g_bridge.sent.c_str());
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
  if (!b.enabled) {
    b.sent = R"({"regions":[],"nodes":[],"focus":0,"editing":false})";
    qt_a11y_update(b.sent.c_str());
  }
}
