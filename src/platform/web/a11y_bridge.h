// The accessibility layer's glue between the app and the page (library_a11y.js): after each
// frame, the widgets' semantics when they changed, what to announce, and where the focus is;
// from the page, a screen reader's focus and activation of a widget's element.
#pragma once

namespace quittance::web {

using A11yFrameNow = void (*)();

// `frame_now` draws a frame at once (an activation must happen within the user's gesture).
void a11y_init(A11yFrameNow frame_now);
// After ImGui::Render and input_end_frame (the text sink is focused first).
void a11y_end_frame();

}  // namespace quittance::web
