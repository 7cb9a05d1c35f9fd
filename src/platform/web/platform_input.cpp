// Browser platform layer for Dear ImGui. See platform_input.h.
#include "platform/web/platform_input.h"

#include <emscripten/emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <string>

#include "ui/keyboard_focus.h"

// Implemented in library_quittance.js.
extern "C" {
void qt_text_sink_update(int want_text, float x, float y, float line_height);
void qt_clipboard_write(const char* text);
void qt_set_cursor(const char* css_cursor);
}

namespace quittance::web {

namespace {

// All platform state, in one place (ImGui backend style).
struct Platform {
  std::string canvas;              // CSS selector of the canvas, e.g. "#canvas"
  RedrawRequest redraw = nullptr;  // asks the app for a frame
  FrameNow frame_now = nullptr;    // runs a frame inside a press's event handler
  double last_frame_ms = 0;        // timestamp of the previous frame
  float pixel_ratio = 0;           // device pixels per ImGui unit at the previous frame
  float zoom = 1;                  // CSS pixels per ImGui unit (the text size setting)
  double css_w = 0, css_h = 0;     // the window's inner size, from the last resize event
  std::string clipboard;           // what ImGui last copied (navigator.clipboard is write-only here)
  ImGuiMouseCursor cursor = -2;    // the CSS cursor currently set
  ImVec2 ime_pos{0, 0};            // where ImGui's text cursor was last reported
};
Platform g;

// Keys ImGui reads through io.KeyMap, by DOM keyCode (all below 512).
constexpr int kKeyTab = 9, kKeyBackspace = 8, kKeyEnter = 13, kKeyEscape = 27, kKeySpace = 32;
constexpr int kKeyPageUp = 33, kKeyPageDown = 34, kKeyEnd = 35, kKeyHome = 36;
constexpr int kKeyLeft = 37, kKeyUp = 38, kKeyRight = 39, kKeyDown = 40, kKeyInsert = 45, kKeyDelete = 46;

void set_modifiers(const EmscriptenKeyboardEvent* e) {
  ImGuiIO& io = ImGui::GetIO();
  io.KeyCtrl = e->ctrlKey;
  io.KeyShift = e->shiftKey;
  io.KeyAlt = e->altKey;
  io.KeySuper = e->metaKey;
}

// Keys whose browser default must not happen (moving the page, typing into the text sink,
// leaving the canvas with Tab): ImGui handles them.
bool is_navigation_key(int code) {
  switch (code) {
    case kKeyTab: case kKeyBackspace: case kKeyEnter: case kKeyEscape: case kKeyPageUp:
    case kKeyPageDown: case kKeyEnd: case kKeyHome: case kKeyLeft: case kKeyUp: case kKeyRight:
    case kKeyDown: case kKeyDelete:
      return true;
    default:
      return false;
  }
}

// A key that types one character ("a", "é", "€"), as opposed to "Enter", "Backspace", "F5".
bool is_character(const char* key) {
  const auto first = static_cast<unsigned char>(key[0]);
  const std::size_t length = first < 0x80 ? 1 : (first >> 5) == 6 ? 2 : (first >> 4) == 14 ? 3 : (first >> 3) == 30 ? 4 : 0;
  return first != 0 && length > 0 && std::strlen(key) == length;
}

EM_BOOL on_key(int type, const EmscriptenKeyboardEvent* e, void*) {
  // Dead keys and IME processing (keyCode 229) compose text: the text sink's composition
  // events deliver the result. Feeding them as keys would type stray characters.
  if (std::strcmp(e->key, "Dead") == 0 || e->keyCode == 229 || e->keyCode == 0) return EM_FALSE;
  ImGuiIO& io = ImGui::GetIO();
  set_modifiers(e);
  const bool down = type == EMSCRIPTEN_EVENT_KEYDOWN;
  const int code = static_cast<int>(e->keyCode) & 511;
  const bool shortcut = (e->ctrlKey || e->metaKey) && !e->altKey;
  // Ctrl+V is left to the browser: its paste event brings the clipboard's text.
  if (shortcut && code == 'V') return EM_FALSE;
  // Tab goes through every widget and Enter presses the focused one (keyboard_focus.h);
  // ImGui 1.86's own Tab would visit only the text fields.
  if (code == kKeyTab) {
    if (down && !e->ctrlKey && !e->altKey && !e->metaKey) {
      ui::focus_step(e->shiftKey);
      g.frame_now();
    }
    return EM_TRUE;
  }
  // (Not while a field is being typed in: activate_focused() leaves Enter to it.)
  if (down && code == kKeyEnter && ui::activate_focused()) {
    g.frame_now();
    return EM_TRUE;
  }
  io.KeysDown[code] = down;
  // In a text field, a character key's text comes with the text sink's input event, which
  // draws its frame: a frame here, or one asked for, would redraw the screen as it was, and the
  // browser may run that asked-for frame between the keydown and the input event, delaying the
  // character (a search field queries at each one). Elsewhere (a field about to take the focus,
  // Space on a checkbox) the key needs its frame; a key's release only asks for one.
  if (down && !shortcut && io.WantTextInput && is_character(e->key)) return EM_FALSE;
  if (!down) {
    g.redraw();
    return EM_FALSE;
  }
  g.frame_now();
  if (is_navigation_key(code)) return EM_TRUE;
  // Select-all, undo, redo are ImGui's inside a field; copy and cut still fire the browser's
  // clipboard events, so they are not prevented.
  if (shortcut && (code == 'A' || code == 'Z' || code == 'Y')) return EM_TRUE;
  // Ctrl+F is the app's « Rechercher » (form.h), not the browser's find-in-page over a canvas.
  if (shortcut && code == 'F') return EM_TRUE;
  return EM_FALSE;
}

// Moves the pointer, drawing a frame there first if it moved: ImGui decides what is hovered
// from the previous frame, and some widgets (tabs) ignore a press on what was not hovered. A
// tap on a touch screen, or a click right after a jump of the pointer, has no such frame.
// A point of the page (CSS pixels) in ImGui's units.
ImVec2 to_ui(double x, double y) { return ImVec2((float)(x / g.zoom), (float)(y / g.zoom)); }

void move_pointer_before_press(ImVec2 pos) {
  ImGuiIO& io = ImGui::GetIO();
  // MousePosPrev is where the last drawn frame saw the pointer (a move only queues a frame).
  if (io.MousePosPrev.x == pos.x && io.MousePosPrev.y == pos.y) return;
  io.MousePos = pos;
  g.frame_now();
}

EM_BOOL on_mouse_button(int type, const EmscriptenMouseEvent* e, void*) {
  ImGuiIO& io = ImGui::GetIO();
  const ImVec2 pos = to_ui(e->clientX, e->clientY);
  if (type == EMSCRIPTEN_EVENT_MOUSEDOWN) move_pointer_before_press(pos);
  io.MousePos = pos;
  const int button = e->button == 0 ? 0 : e->button == 2 ? 1 : e->button == 1 ? 2 : -1;
  if (button < 0) return EM_FALSE;
  io.MouseDown[button] = type == EMSCRIPTEN_EVENT_MOUSEDOWN;
  g.frame_now();
  // Preventing mousedown's default keeps the focus on the text sink while editing.
  return type == EMSCRIPTEN_EVENT_MOUSEDOWN ? EM_TRUE : EM_FALSE;
}

EM_BOOL on_mouse_move(int, const EmscriptenMouseEvent* e, void*) {
  ImGui::GetIO().MousePos = to_ui(e->clientX, e->clientY);
  g.redraw();
  return EM_FALSE;
}

EM_BOOL on_mouse_leave(int, const EmscriptenMouseEvent*, void*) {
  ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  g.redraw();
  return EM_FALSE;
}

EM_BOOL on_wheel(int, const EmscriptenWheelEvent* e, void*) {
  // deltaMode: 0 pixels, 1 lines, 2 pages. ImGui scrolls ~5 lines per unit.
  const double per_unit = e->deltaMode == DOM_DELTA_PIXEL ? 100.0 : e->deltaMode == DOM_DELTA_LINE ? 3.0 : 0.5;
  ImGuiIO& io = ImGui::GetIO();
  io.MouseWheel -= (float)(e->deltaY / per_unit);
  io.MouseWheelH -= (float)(e->deltaX / per_unit);
  g.redraw();
  return EM_TRUE;
}

EM_BOOL on_touch(int type, const EmscriptenTouchEvent* e, void*) {
  if (e->numTouches < 1) return EM_FALSE;
  const EmscriptenTouchPoint& t = e->touches[0];
  ImGuiIO& io = ImGui::GetIO();
  const ImVec2 pos = to_ui(t.clientX, t.clientY);
  if (type == EMSCRIPTEN_EVENT_TOUCHSTART) move_pointer_before_press(pos);
  io.MousePos = pos;
  if (type == EMSCRIPTEN_EVENT_TOUCHSTART) {
    io.MouseDown[0] = true;
    g.frame_now();
  } else if (type == EMSCRIPTEN_EVENT_TOUCHEND || type == EMSCRIPTEN_EVENT_TOUCHCANCEL) {
    io.MouseDown[0] = false;
    g.frame_now();
  } else {
    g.redraw();
  }
  return EM_TRUE;  // no emulated mouse events, no page scroll
}

EM_BOOL on_resize(int, const EmscriptenUiEvent* e, void*) {
  g.css_w = e->windowInnerWidth;
  g.css_h = e->windowInnerHeight;
  g.redraw();
  return EM_FALSE;
}

EM_BOOL on_blur(int, const EmscriptenFocusEvent*, void*) {
  // Keys released while the window had no focus would otherwise stay down.
  ImGuiIO& io = ImGui::GetIO();
  std::memset(io.KeysDown, 0, sizeof io.KeysDown);
  io.KeyCtrl = io.KeyShift = io.KeyAlt = io.KeySuper = false;
  g.redraw();
  return EM_FALSE;
}

const char* get_clipboard(void*) { return g.clipboard.c_str(); }

void set_clipboard(void*, const char* text) {
  g.clipboard = text;
  qt_clipboard_write(text);
}

void set_ime_position(int x, int y) { g.ime_pos = ImVec2((float)x, (float)y); }

const char* css_cursor(ImGuiMouseCursor cursor) {
  switch (cursor) {
    case ImGuiMouseCursor_TextInput: return "text";
    case ImGuiMouseCursor_ResizeAll: return "move";
    case ImGuiMouseCursor_ResizeNS: return "ns-resize";
    case ImGuiMouseCursor_ResizeEW: return "ew-resize";
    case ImGuiMouseCursor_ResizeNESW: return "nesw-resize";
    case ImGuiMouseCursor_ResizeNWSE: return "nwse-resize";
    case ImGuiMouseCursor_Hand: return "pointer";
    case ImGuiMouseCursor_NotAllowed: return "not-allowed";
    case ImGuiMouseCursor_None: return "none";
    default: return "default";
  }
}

}  // namespace

void input_init(const char* canvas_selector, RedrawRequest redraw, FrameNow frame_now) {
  g.canvas = canvas_selector;
  g.redraw = redraw;
  g.frame_now = frame_now;
  g.css_w = EM_ASM_DOUBLE({ return window.innerWidth; });
  g.css_h = EM_ASM_DOUBLE({ return window.innerHeight; });
  ImGuiIO& io = ImGui::GetIO();
  io.BackendPlatformName = "quittance_html5";
  io.BackendFlags |= ImGuiBackendFlags_HasMouseCursors;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  io.IniFilename = nullptr;  // layout is code, not a file in the browser's storage
  io.GetClipboardTextFn = get_clipboard;
  io.SetClipboardTextFn = set_clipboard;
  io.ImeSetInputScreenPosFn = set_ime_position;
  const struct { ImGuiKey key; int code; } map[] = {
      {ImGuiKey_Tab, kKeyTab}, {ImGuiKey_LeftArrow, kKeyLeft}, {ImGuiKey_RightArrow, kKeyRight},
      {ImGuiKey_UpArrow, kKeyUp}, {ImGuiKey_DownArrow, kKeyDown}, {ImGuiKey_PageUp, kKeyPageUp},
      {ImGuiKey_PageDown, kKeyPageDown}, {ImGuiKey_Home, kKeyHome}, {ImGuiKey_End, kKeyEnd},
      {ImGuiKey_Insert, kKeyInsert}, {ImGuiKey_Delete, kKeyDelete}, {ImGuiKey_Backspace, kKeyBackspace},
      {ImGuiKey_Space, kKeySpace}, {ImGuiKey_Enter, kKeyEnter}, {ImGuiKey_Escape, kKeyEscape},
      {ImGuiKey_KeyPadEnter, kKeyEnter}, {ImGuiKey_A, 'A'}, {ImGuiKey_C, 'C'}, {ImGuiKey_V, 'V'},
      {ImGuiKey_X, 'X'}, {ImGuiKey_Y, 'Y'}, {ImGuiKey_Z, 'Z'},
  };
  for (const auto& m : map) io.KeyMap[m.key] = m.code;

  const char* window = EMSCRIPTEN_EVENT_TARGET_WINDOW;
  const char* document = EMSCRIPTEN_EVENT_TARGET_DOCUMENT;
  emscripten_set_keydown_callback(window, nullptr, EM_TRUE, on_key);
  emscripten_set_keyup_callback(window, nullptr, EM_TRUE, on_key);
  // Presses, wheel and touches on the document: over a widget they land on its element in the
  // accessibility tree (library_a11y.js), laid over the canvas, and bubble up to here.
  emscripten_set_mousedown_callback(document, nullptr, EM_TRUE, on_mouse_button);
  emscripten_set_mouseup_callback(document, nullptr, EM_TRUE, on_mouse_button);
  emscripten_set_mousemove_callback(document, nullptr, EM_TRUE, on_mouse_move);
  emscripten_set_mouseleave_callback(document, nullptr, EM_TRUE, on_mouse_leave);
  emscripten_set_wheel_callback(document, nullptr, EM_TRUE, on_wheel);
  emscripten_set_touchstart_callback(document, nullptr, EM_TRUE, on_touch);
  emscripten_set_touchmove_callback(document, nullptr, EM_TRUE, on_touch);
  emscripten_set_touchend_callback(document, nullptr, EM_TRUE, on_touch);
  emscripten_set_touchcancel_callback(document, nullptr, EM_TRUE, on_touch);
  emscripten_set_resize_callback(window, nullptr, EM_FALSE, on_resize);
  emscripten_set_blur_callback(window, nullptr, EM_FALSE, on_blur);
}

bool input_new_frame(double now_ms) {
  ImGuiIO& io = ImGui::GetIO();
  // The canvas fills the window (app.css): its CSS size is the window's, as the last resize
  // event gave it. Reading it here (innerWidth, getBoundingClientRect) would make the browser
  // lay out, inside this frame, whatever the page changed since the last: the accessibility
  // tree's elements.
  const double css_w = g.css_w, css_h = g.css_h;
  const float device_ratio = (float)emscripten_get_device_pixel_ratio();
  const int fb_w = (int)std::lround(css_w * device_ratio), fb_h = (int)std::lround(css_h * device_ratio);
  int cur_w = 0, cur_h = 0;
  emscripten_get_canvas_element_size(g.canvas.c_str(), &cur_w, &cur_h);
  if (cur_w != fb_w || cur_h != fb_h) emscripten_set_canvas_element_size(g.canvas.c_str(), fb_w, fb_h);
  // ImGui lays out in CSS pixels / zoom: at 200 % a 1280-pixel window is 640 units wide.
  const float ratio = device_ratio * g.zoom;
  io.DisplaySize = ImVec2((float)(css_w / g.zoom), (float)(css_h / g.zoom));
  io.DisplayFramebufferScale = ImVec2(ratio, ratio);
  // Frames are drawn on demand: a long idle gap is not a long animation step.
  double dt = g.last_frame_ms > 0 ? (now_ms - g.last_frame_ms) / 1000.0 : 1.0 / 60.0;
  io.DeltaTime = (float)(dt > 0 && dt < 0.25 ? dt : 1.0 / 60.0);
  g.last_frame_ms = now_ms;
  const bool ratio_changed = ratio != g.pixel_ratio;
  g.pixel_ratio = ratio;
  return ratio_changed;
}

void input_end_frame() {
  ImGuiIO& io = ImGui::GetIO();
  qt_text_sink_update(io.WantTextInput ? 1 : 0, g.ime_pos.x * g.zoom, g.ime_pos.y * g.zoom, ImGui::GetFontSize() * g.zoom);
  ImGuiMouseCursor cursor = io.MouseDrawCursor ? ImGuiMouseCursor_None : ImGui::GetMouseCursor();
  if (cursor != g.cursor) {
    g.cursor = cursor;
    qt_set_cursor(css_cursor(cursor));
  }
}

void input_set_zoom(float zoom) {
  if (zoom > 0) g.zoom = zoom;
}

float input_zoom() { return g.zoom; }

float input_pixel_ratio() { return g.pixel_ratio > 0 ? g.pixel_ratio : 1.0f; }

}  // namespace quittance::web

// Text from the hidden textarea (library_quittance.js): typed, composed or pasted. It is final
// text, so it is applied by a frame at once with the modifiers released: ImGui drops characters
// that arrive while Ctrl is down, which is the case of a paste (Ctrl+V) and could be the case of
// a character left queued until a frame after the user pressed Ctrl.
extern "C" EMSCRIPTEN_KEEPALIVE void quittance_text_input(const char* utf8) {
  ImGuiIO& io = ImGui::GetIO();
  const bool ctrl = io.KeyCtrl, super = io.KeySuper;
  io.KeyCtrl = io.KeySuper = false;
  io.AddInputCharactersUTF8(utf8);
  quittance::web::g.frame_now();
  io.KeyCtrl = ctrl;
  io.KeySuper = super;
}
