// The accessibility layer's model: last frame's widgets and their regions (widget_log.h), as a
// structure (JSON) the browser glue mirrors into hidden-but-exposed ARIA elements over the
// canvas (src/platform/web/library_a11y.js), and their boxes (integers read from the wasm
// heap). While a table scrolls only the boxes change: the structure is neither rebuilt nor
// sent, and the page only moves its elements. See docs/accessibility.md.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace quittance::ui {

// The structure: {"regions":[{id, role, name?, rows?}],
//  "nodes":[{id, key, role, name, value?, error?, shortcut?, region, table?, row?, column?,
//            row_index?, disabled?, checked?, expanded?, selected?, level?}],
//  "focus": id of the widget with the keyboard focus (0: none), "editing": true if it is a
//  field being typed in}. Captions (a field's visible label) are left out: the field carries
//  the name. Built only when semantics_fingerprint() changed.
std::string semantics_json();
// A hash of what semantics_json() would say: a scroll changes the boxes, not this.
std::uint64_t semantics_fingerprint();
// The boxes, every frame: x, y, w, h in whole CSS pixels for each region of the structure,
// then for each node, in the structure's order.
void semantics_boxes(std::vector<std::int32_t>* out);
}  // namespace quittance::ui
