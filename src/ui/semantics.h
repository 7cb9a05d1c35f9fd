// The accessibility layer's model: last frame's widgets and their regions (widget_log.h) as a
// compact JSON document the browser glue mirrors into hidden-but-exposed ARIA elements over
// the canvas (src/platform/web/library_a11y.js). Only a changed document is sent, and the
// page only touches the elements that changed. See docs/accessibility.md.
#pragma once
#include <string>

namespace quittance::ui {

// {"regions":[{id, role, name?, x, y, w, h, rows?}],
//  "nodes":[{id, key, role, name, value?, error?, shortcut?, region, table?, row?, column?, row_index?, x, y, w, h,
//            disabled?, checked?, expanded?, selected?, level?}],
//  "focus": id of the widget with the keyboard focus (0: none), "editing": 1 if it is a field
//  being typed in}. Captions (a field's visible label) are left out: the field carries the name.
std::string semantics_json();

}  // namespace quittance::ui
