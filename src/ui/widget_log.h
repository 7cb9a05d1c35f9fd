// The last frame's visible widgets, with what each means: the accessibility layer mirrors them
// into ARIA elements beside the canvas (semantics.h), and browser tests find a widget by its
// label and click the middle of its rectangle, as a user would.
// Interactive widgets are recorded through ImGui's test-engine item hooks
// (IMGUI_ENABLE_TEST_ENGINE), their role read from how ImGui added them (a field is
// « inputable », a tab belongs to a tab bar, an entry of a combo's list sits in its popup);
// plain text is recorded by ui::label(), headings by theme.h's title() and heading().
#pragma once
#include <string>
#include <vector>

namespace quittance::ui {

struct WidgetInfo {
  unsigned id = 0;        // ImGui id (0 for text)
  std::string kind;       // "item", "checkbox" or "text"
  std::string label;      // the visible text (what follows "##" is dropped)
  std::string key;        // the full ImGui label, "##" part included, unique on a screen
  float x = 0, y = 0, w = 0, h = 0;  // CSS pixels from the canvas' top-left corner
  bool enabled = true;
  bool checked = false;   // for checkboxes, radio buttons and selected entries
  // What the widget is to a screen reader (WAI-ARIA role): "button", "textbox", "checkbox",
  // "radio", "combobox", "tab", "link" (the navigation), "option", "columnheader", "heading",
  // "text" or "caption" (the visible label of the field that follows: the field carries the
  // name, the caption is not read twice).
  std::string role;
  std::string value;      // a combo's chosen entry, a field's text
  std::string error;      // why the field's content is refused (field_error): it is invalid
  std::string about;      // what it acts on (widget_about), said after its label
  std::string shortcut;   // the keys that press it (widget_shortcut)
  std::string group;      // the name of the radio group or tab list it starts (name_next_group)
  int expanded = -1;      // -1: cannot open; 0 closed; 1 open (a combo's list)
  bool multiline = false; // a text box of several lines (Enter starts a new line)
  bool selected = false;  // the tab shown, the radio button chosen, the section open, the option chosen
  int level = 0;          // headings: 1 a screen's title, 2 a section
  unsigned root = 0;      // its region (container): the screen, the navigation, a dialog, a combo's list
  unsigned window = 0;    // the ImGui window drawing it (a child window of its region, or the region)
  unsigned table = 0;     // the table it sits in (0: none), its row and column there
  int row = -1, column = -1;
  int row_index = -1;     // its row's place among all the table's rows (table_row_index), -1 unknown
};

// The windows and tables last frame's widgets sit in: the accessibility layer groups widgets
// under them (a dialog, a list, a table's rows and cells).
struct ContainerInfo {
  unsigned id = 0;
  std::string role;  // "main", "dialog", "listbox" (a combo's list), "menu", "table"
  float x = 0, y = 0, w = 0, h = 0;
  int rows = -1;     // tables: the row count the screen declared (table_row_count), -1 unknown
};

void widget_log_begin_frame();
void widget_log_end_frame();
const std::vector<WidgetInfo>& widget_log_last_frame();
const std::vector<ContainerInfo>& widget_log_last_containers();
// Draws text and records it (ImGui's text items have no hook). Outside a table it wraps at the
// window's edge unless a wrap position was pushed.
void label(const char* text);
// Draws text in the current font and records it as a heading of `level` (theme.h).
void heading_label(const char* text, int level);
// A label cut with « … » to the room left (a table cell), the whole text on hover and in the log.
void label_fitted(const std::string& text);
// Gives the widget just drawn a visible label (for fields whose label is drawn above them), and
// records it if ImGui has no hook for its kind (combo boxes, then with `value`, the entry
// shown): call it right after the widget. A caption drawn just before with the same text
// becomes the field's caption.
void name_last_widget(const char* text, const char* value = nullptr);
// The radio buttons (or tabs) drawn next form a group a screen reader names `name`: « Taille du
// texte », « Langue de l'interface ». A caption just drawn saying the same is then not read twice.
void name_next_group(const char* name);
// The text in the field just drawn, for a screen reader to read it out; `multiline` for an
// ImGui::InputTextMultiline (where Enter starts a new line).
void field_value(const std::string& value, bool multiline = false);
// `message` (drawn just now, under a field) says what is wrong with the field drawn before
// it: the field is marked invalid, with the message as its description.
void field_error(const std::string& message);
// What the widget just drawn acts on, when its label alone does not say it (« Rembourser » on a
// line of payments): a screen reader hears « Rembourser — Espèces 30,00 € du 07/12/2026 ».
void widget_about(const std::string& what);
// The keyboard shortcut that presses the widget just drawn ("Alt+N").
void widget_shortcut(const std::string& keys);
// Says what the widget just drawn is when ImGui cannot tell (a button drawn as a tab).
void last_widget_is(const char* role, bool selected = false);
// The table being drawn holds `rows` rows in all, of which it draws the few in view (a list
// clipped to the screen); table_row_index gives the row begun last its place among them. A
// screen reader then hears the real count and position (« ligne 4 521 sur 100 000 »).
void table_row_count(int rows);
// The table being drawn only lays widgets out (captions beside fields): no table for a screen
// reader. Call it right after BeginTable.
void layout_table();
void table_row_index(int index);
// The last frame's widgets as a JSON array, their boxes multiplied by `scale` (the page's
// pixels per ImGui unit).
std::string widget_log_json(float scale = 1.0f);

}  // namespace quittance::ui
