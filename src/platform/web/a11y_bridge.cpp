// Accessibility glue. See a11y_bridge.h.
#include "platform/web/a11y_bridge.h"

#include <emscripten/emscripten.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
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
void qt_a11y_busy(int busy);
}

namespace quittance::web {

namespace {
// A structure that changed without the focus moving is sent from a timer, once the frames have
// left it unchanged for kQuietMs, or kMaxLagMs after the page's tree fell behind if it keeps
// changing: a table scrolled by the wheel or a search being typed is described once it
// stops, not at every step nobody could listen to, and the frames stay free of it. The page's
// tree says it is behind meanwhile (aria-busy). A move of the focus is sent at once, in the
// frame: keyboard users and screen readers follow it exactly.
constexpr double kQuietMs = 150.0;
constexpr double kMaxLagMs = 500.0;

struct Bridge {
  A11yFrameNow frame_now = nullptr;
  std::uint64_t sent = 0;                  // the fingerprint of the structure the page holds
  unsigned focus_sent = 0;                 // the focused widget in that structure
  std::uint64_t last = 0;                  // the fingerprint of the last frame's structure
  double changed_at = 0;                   // when the last frame that changed it ended (ms)
  double behind_since = 0;                 // when the page's tree fell behind (ms)
  bool pending = false;                    // the page's structure is behind the last frame's
  bool timer = false;                      // a send is scheduled
  std::vector<std::int32_t> boxes, shown;  // this frame's boxes, and those the page holds
  bool enabled = true;                     // off only for the benchmark measuring the layer's cost
  float zoom = 1;                          // the zoom the page scales the tree by
  // For the benchmark: structures sent (and of those, from the timer, after a frame) and the
  // time spent on them and on the boxes, in ms.
  int structures = 0, coalesced = 0;
  double structure_ms = 0, boxes_ms = 0;
  std::vector<float> frame_ms;  // the layer's time in each frame since the last stats
};
Bridge g_bridge;

// The page's tree is behind the last frame (true) or up to date: it says so (aria-busy).
void set_pending(bool pending) {
  if (pending == g_bridge.pending) return;
  g_bridge.pending = pending;
  qt_a11y_busy(pending ? 1 : 0);
}

// Sends the boxes of the last frame when they moved (or when `always`, with a new structure).
void send_boxes(bool always) {
  const double start = emscripten_get_now();
  ui::semantics_boxes(&g_bridge.boxes);
  if (always || g_bridge.boxes != g_bridge.shown) {
    g_bridge.shown = g_bridge.boxes;
    qt_a11y_boxes(g_bridge.shown.data(), static_cast<int>(g_bridge.shown.size()));
  }
  g_bridge.boxes_ms += emscripten_get_now() - start;
}

// Sends the last complete frame's structure, whose fingerprint is `fingerprint`, and its boxes.
void send_structure(std::uint64_t fingerprint) {
  const double start = emscripten_get_now();
  g_bridge.sent = fingerprint;
  g_bridge.focus_sent = ui::focused_widget();
  qt_a11y_update(ui::semantics_json().c_str());
  set_pending(false);
  g_bridge.structure_ms += emscripten_get_now() - start;
  ++g_bridge.structures;
  send_boxes(true);
}

// When the structure the page is behind on is due: held still long enough, or behind too long.
double due_at() { return std::min(g_bridge.changed_at + kQuietMs, g_bridge.behind_since + kMaxLagMs); }

void send_pending(void*);
void schedule_send() {
  if (g_bridge.timer) return;
  g_bridge.timer = true;
  emscripten_async_call(send_pending, nullptr, static_cast<int>(std::max(0.0, due_at() - emscripten_get_now())) + 1);
}

void send_pending(void*) {
  g_bridge.timer = false;
  if (!g_bridge.enabled || !g_bridge.pending) return;
  if (emscripten_get_now() < due_at()) return schedule_send();  // changed again since
  ++g_bridge.coalesced;
  send_structure(ui::semantics_fingerprint());
}
}  // namespace

void a11y_init(A11yFrameNow frame_now) { g_bridge.frame_now = frame_now; }

void a11y_end_frame() {
  ui::announcements_end_frame();
  if (!g_bridge.enabled) {
    ui::take_announcements();
    return;
  }
  const double start = emscripten_get_now();
  // The tree is laid out in ImGui's units: the page scales it by the interface's zoom.
  if (input_zoom() != g_bridge.zoom) {
    g_bridge.zoom = input_zoom();
    qt_a11y_zoom(g_bridge.zoom);
  }
  const std::uint64_t fingerprint = ui::semantics_fingerprint();
  if (fingerprint != g_bridge.last) g_bridge.changed_at = start;
  g_bridge.last = fingerprint;
  if (fingerprint == g_bridge.sent) {
    set_pending(false);  // back to what the page holds (scrolled back)
    send_boxes(false);
  } else if (ui::focused_widget() != g_bridge.focus_sent) {
    send_structure(fingerprint);
  } else {
    // The page keeps its last structure, and its boxes (this frame's belong to another).
    if (!g_bridge.pending) g_bridge.behind_since = start;
    set_pending(true);
    schedule_send();
  }
  for (const ui::Announcement& a : ui::take_announcements()) qt_a11y_announce(a.text.c_str(), a.urgent ? 1 : 0);
  if (g_bridge.frame_ms.size() < 100000) g_bridge.frame_ms.push_back(static_cast<float>(emscripten_get_now() - start));
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
  quittance::web::set_pending(false);
  if (!b.enabled) qt_a11y_update(R"({"regions":[],"nodes":[],"focus":0,"editing":false})");
}

// What the layer cost so far, for the benchmark: {"structures", "coalesced", "structure_ms",
// "boxes_ms", "frame_ms": [its time in each frame since the last call]}.
extern "C" EMSCRIPTEN_KEEPALIVE const char* quittance_a11y_stats() {
  static std::string text;
  quittance::web::Bridge& b = quittance::web::g_bridge;
  char head[160];
  std::snprintf(head, sizeof head, R"({"structures":%d,"coalesced":%d,"structure_ms":%.1f,"boxes_ms":%.1f,"frame_ms":[)",
                b.structures, b.coalesced, b.structure_ms, b.boxes_ms);
  text = head;
  for (std::size_t i = 0; i < b.frame_ms.size(); ++i) {
    char figure[24];
    std::snprintf(figure, sizeof figure, "%s%.3f", i ? "," : "", b.frame_ms[i]);
    text += figure;
  }
  text += "]}";
  b.frame_ms.clear();
  return text.c_str();
}
