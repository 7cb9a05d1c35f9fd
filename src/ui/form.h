// Form widgets laid out as a French practitioner expects them: the label above the field.
// The field is recorded under that label in the widget log, so tests find it by what it says.
#pragma once
#include <initializer_list>
#include <string>

#include <imgui.h>

#include "app/commands.h"

namespace quittance::ui {

// ImGui::RadioButton, said to be a radio button checked or not (ImGui cannot tell it from a button).
bool radio(const char* label, bool active);

// A labelled single-line text field; `id` ("##practice-name") keeps it unique on the screen.
// It is `width` wide, or as wide as the room left. Returns true when the user pressed Enter in it.
bool text_field(const char* label, const char* id, std::string* value, float width = 360.0f);

// A drop-down of the tax rates not archived (`rates` as tax_rate.list answers), showing and
// setting *tax_rate_id. Entries are keyed "##rate-<id>" so tests can pick one.
// A role picker (Titulaire, Facturation, Praticien, Lecture seule), named `name` for the widget
// log; true when changed.
bool role_combo(const char* id, const std::string& name, std::string* role);
void tax_rate_combo(const char* id, const char* name, const app::Json& rates, std::string* tax_rate_id, float width);

// The catalogue key explaining a refused command: "error.<code>" when the catalogue has it,
// else the generic "error.command_failed".
// Starts a group (a caption over its field) `width` wide: `next_to` puts it to the right of the
// previous item, its caption level with that one's, when the line has room for it. End it with
// ImGui::EndGroup().
void begin_side_group(float width, bool next_to);
// A text_field in such a group, so that two or three stand side by side.
void side_field(const char* label, const char* id, std::string* value, float width, bool next_to = false);
// Text wraps at `width` from here, or sooner at the window's edge (a narrow window); pair with
// ImGui::PopTextWrapPos().
void push_wrap(float width);
// A label pushed to the right of the space left (an amount in a table cell).
void right_aligned(const std::string& text);
// ImGui::TableHeadersRow(), each header recorded under its name so a test can click it to sort;
// the headers of the columns in `right` (amounts, drawn with right_aligned) stand right, over
// their figures.
void table_headers(std::initializer_list<int> right = {});
// Ctrl+F (or Cmd+F) was pressed this frame: the screen's search field takes the focus.
bool search_shortcut();
// Alt+`letter` was pressed this frame, no dialog open: a screen's shortcut (Alt+N « Nouvelle
// facture » on a patient's page, Alt+P « Payer » on an invoice's). Call it right after the
// button it presses: the button then tells screen readers its shortcut (aria-keyshortcuts).
bool alt_shortcut(char letter);
// Escape was pressed this frame: the open dialog closes, as its « Annuler » would.
bool escape_pressed();

// An answer's result, or an empty object when the command was refused: screens read it with
// .value() and never meet a null (which would throw in the middle of a frame).
app::Json result_of(const app::Json& answer);
// The result of a query answering a list (service.list, tax_rate.list), or [] when it failed.
app::Json list_of(const app::Json& answer);

std::string error_key(const app::Json& answer);
// Draws a catalogue message in the error colour; nothing for "". A screen reader hears it at
// once when it appears, and the field drawn just before it is marked invalid.
void error_text(const std::string& key);
// Draws the catalogue message saying what an action did (« Informations du cabinet
// enregistrées. »); nothing for "". A screen reader hears it when it appears.
void outcome_text(const std::string& key);

}  // namespace quittance::ui
