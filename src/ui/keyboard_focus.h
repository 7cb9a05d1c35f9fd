// The keyboard and assistive technologies move ImGui's focus through the widgets the last
// frame drew (widget_log.h), in the order a reader meets them: Tab and Shift+Tab go through
// every button, field, checkbox, combo, tab and link (ImGui 1.86's own Tab only visits text
// fields), Enter activates the focused one as Space does, and a screen reader's focus or
// click on a widget's ARIA element (semantics.h) lands on that widget.
// Called between frames, from input events; ImGui applies the change at the next frame.
#pragma once

namespace quittance::ui {

// Moves the focus to the next (or previous) widget that takes it, inside the open dialog if
// there is one; from nothing, to the first (or last). A table is one stop (arrows move inside
// it). False when there is none.
bool focus_step(bool backwards);
// After a frame is drawn: completes a Tab into a window that had to be scrolled to its start
// (its end for Shift+Tab) first. True when it moved the focus (another frame should be drawn).
bool focus_end_frame();
// Focuses the widget `id` drawn last frame, scrolled into view; a text field is also
// activated for typing. False when the last frame did not draw it.
bool focus_widget(unsigned id);
// Presses the widget `id` drawn last frame, as a click would (a text field takes the caret).
bool activate_widget(unsigned id);
// Enter on a focused button, checkbox, tab or link presses it (ImGui 1.86 maps Enter to text
// input only). False when the focus is not on such a widget, and Enter is then ImGui's.
bool activate_focused();
// The widget with the focus, as the screen reader should follow it: the text field being
// edited, else the widget ImGui's keyboard focus is shown on; 0 for none.
unsigned focused_widget();

}  // namespace quittance::ui
