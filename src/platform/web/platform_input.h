// The browser platform layer for Dear ImGui, on Emscripten's html5 API and a small JS library
// (library_quittance.js), in place of Emscripten 3.1.6's GLFW emulation, which has a no-op
// clipboard, ignores devicePixelRatio and loses dead-key, AltGr and IME input.
//
// Implemented features:
//  [X] Canvas sized to its CSS size x devicePixelRatio: crisp text on HiDPI screens.
//  [X] A zoom of its own (the text size setting): ImGui lays out in CSS pixels / zoom, the
//      pointer and the text sink are converted, the fonts rasterised for the zoomed size.
//  [X] Mouse, wheel and single-finger touch; drags keep working outside the canvas.
//  [X] Keys through io.KeysDown (indexed by DOM keyCode) for navigation and shortcuts.
//  [X] Text from a focused hidden textarea's input and composition events: dead keys, AltGr,
//      IME and mobile keyboards give their final characters (« ê », « ç », « œ »).
//  [X] Copy through navigator.clipboard; paste through the paste event.
//  [X] Every event asks for a redraw: nothing is drawn while nothing happens.
#pragma once

namespace quittance::web {

// Called when something happened that the screen must show (an event, a resize).
using RedrawRequest = void (*)();
// Called for a key press and for a mouse button press or release, after it was fed to ImGui:
// the app runs a frame at once. ImGui polls key and button state once per frame, so a press
// and release arriving between two frames would otherwise be lost; and a click on a text field
// then focuses the text sink inside the user gesture (which mobile keyboards require), as
// copying to the clipboard does.
using FrameNow = void (*)();

void input_init(const char* canvas_selector, RedrawRequest redraw, FrameNow frame_now);
// The interface's zoom (1 = 100 %), from the next frame on.
void input_set_zoom(float zoom);
float input_zoom();
// Before ImGui::NewFrame: display size, pixel ratio, time step. True when the pixels per
// ImGui unit (device pixel ratio x zoom) changed since the last frame (the fonts should be
// rebuilt for it).
bool input_new_frame(double now_ms);
// After ImGui::Render: focuses the text sink while ImGui wants text, blurs it otherwise, and
// places it at the text cursor so that IME candidate windows appear where the user types.
void input_end_frame();
// Device pixels per ImGui unit: devicePixelRatio x zoom, what the fonts are rasterised for.
float input_pixel_ratio();

}  // namespace quittance::web
