// Widget recording for the accessibility layer and the automation surface. See widget_log.h.
#include "ui/widget_log.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <cfloat>
#include <cstring>
#include <unordered_map>
#include <nlohmann/json.hpp>

namespace quittance::ui {

namespace {
struct Log {
  std::vector<WidgetInfo> building;  // this frame's, filled while it is drawn
  std::vector<WidgetInfo> last;      // the previous complete frame's
  std::vector<ContainerInfo> containers_building, containers_last;
  // Rectangles given to ItemAdd this frame, by id: tab items report their info before they
  // are laid out, so their rectangles are taken from here once the frame is complete.
  std::unordered_map<ImGuiID, ImRect> rects;
  std::string combo_value;  // the entry the combo drawn last shows: its list's selected option
  std::string group_name;   // the name the next radio button or tab gives its group
  // The row begun last and its place among all the table's rows (table_row_index).
  unsigned indexed_table = 0;
  int indexed_row = -1, row_index = -1;
  std::vector<unsigned> layout_tables;  // tables drawn this frame that only lay widgets out
};
Log g_log;

std::string visible_part(const char* label) {
  const char* end = std::strstr(label, "##");
  return end ? std::string(label, end) : std::string(label);
}

ContainerInfo* container(unsigned id) {
  for (ContainerInfo& c : g_log.containers_building) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

// The landmark a region of the app is to a screen reader: a dialog, a combo's list, or one of
// the shell's three child windows (shell.cpp): the navigation, the screen, the status bar.
// A combo's list: ImGui names its popup window "##Combo_NN" (BeginComboPopup).
bool is_combo_list(const ImGuiWindow* window) { return std::strncmp(window->Name, "##Combo_", 8) == 0; }

const char* region_role(const ImGuiWindow* region) {
  if (region->Flags & ImGuiWindowFlags_Modal) return "dialog";
  if (region->Flags & ImGuiWindowFlags_Popup) return is_combo_list(region) ? "listbox" : "menu";
  if (std::strstr(region->Name, "/##nav")) return "navigation";
  if (std::strstr(region->Name, "/##status")) return "contentinfo";
  return "main";
}

// The region a window belongs to: its root window's child that holds it (the shell's
// navigation, screen or status bar), or the root itself (a dialog, a list).
ImGuiWindow* region_of(ImGuiWindow* window) {
  ImGuiWindow* root = window->RootWindow;
  if (root->Flags & (ImGuiWindowFlags_Popup | ImGuiWindowFlags_Modal) || window == root) return root;
  ImGuiWindow* region = window;
  while (region->ParentWindow && region->ParentWindow != root) region = region->ParentWindow;
  return region;
}

// Where the widget being recorded sits: its region (the screen, a dialog, a combo's list) and
// its table, row and column; both are noted as containers once a frame.
void place(WidgetInfo& w) {
  ImGuiContext& g = *GImGui;
  if (ImGuiWindow* window = g.CurrentWindow) {
    ImGuiWindow* region = region_of(window);
    w.root = region->ID;
    w.window = window->ID;
    if (!container(region->ID)) {
      ContainerInfo c;
      c.id = region->ID;
      c.role = region_role(region);
      c.x = region->Pos.x;
      c.y = region->Pos.y;
      c.w = region->Size.x;
      c.h = region->Size.y;
      g_log.containers_building.push_back(c);
    }
  }
  ImGuiTable* table = g.CurrentTable;
  if (!table || !table->IsInsideRow) return;
  for (unsigned layout : g_log.layout_tables) {
    if (layout == table->ID) return;
  }
  w.table = table->ID;
  w.row = table->CurrentRow;
  w.column = table->CurrentColumn;
  if (g_log.indexed_table == table->ID && g_log.indexed_row == table->CurrentRow) w.row_index = g_log.row_index;
  if (table->RowFlags & ImGuiTableRowFlags_Headers) w.role = "columnheader";
  if (!container(table->ID)) {
    ContainerInfo c;
    c.id = table->ID;
    c.role = "table";
    g_log.containers_building.push_back(c);
  }
}

WidgetInfo& record(unsigned id, const char* kind, const char* role, const char* label, const ImRect& r, bool enabled,
                   bool checked) {
  WidgetInfo w;
  w.id = id;
  w.kind = kind;
  w.role = role;
  w.label = visible_part(label);
  w.key = label;
  w.x = r.Min.x;
  w.y = r.Min.y;
  w.w = r.GetWidth();
  w.h = r.GetHeight();
  w.enabled = enabled;
  w.checked = checked;
  place(w);
  g_log.building.push_back(std::move(w));
  return g_log.building.back();
}
}  // namespace

void widget_log_begin_frame() {
  g_log.building.clear();
  g_log.group_name.clear();
  g_log.containers_building.clear();
  g_log.rects.clear();
  g_log.combo_value.clear();
  g_log.indexed_table = 0;
  g_log.layout_tables.clear();
  GImGui->TestEngineHookItems = true;
}

void widget_log_end_frame() {
  for (WidgetInfo& w : g_log.building) {
    auto rect = g_log.rects.find(w.id);
    if (w.id == 0 || rect == g_log.rects.end()) continue;
    w.x = rect->second.Min.x;
    w.y = rect->second.Min.y;
    w.w = rect->second.GetWidth();
    w.h = rect->second.GetHeight();
  }
  // A table's rectangle is its widgets' (ImGui knows its height only once it ended); it is
  // placed in the window of its first widget.
  for (ContainerInfo& c : g_log.containers_building) {
    if (c.role != "table") continue;
    ImRect box(FLT_MAX, FLT_MAX, -FLT_MAX, -FLT_MAX);
    for (const WidgetInfo& w : g_log.building) {
      if (w.table != c.id) continue;
      box.Add(ImRect(w.x, w.y, w.x + w.w, w.y + w.h));
    }
    if (box.Min.x > box.Max.x) continue;
    c.x = box.Min.x;
    c.y = box.Min.y;
    c.w = box.GetWidth();
    c.h = box.GetHeight();
  }
  g_log.last.swap(g_log.building);
  g_log.containers_last.swap(g_log.containers_building);
}

const std::vector<WidgetInfo>& widget_log_last_frame() { return g_log.last; }
const std::vector<ContainerInfo>& widget_log_last_containers() { return g_log.containers_last; }

namespace {
// Outside a table, a text given no wrap position of its own wraps at the window's edge rather
// than run past it (a narrow window, 200 % text). In a table it keeps to one line, cut by its
// cell: rows keep the one height the list clipper counts on.
void text_in_window(const char* text) {
  const bool wrap = !GImGui->CurrentTable && ImGui::GetCurrentWindow()->DC.TextWrapPos < 0.0f;
  if (wrap) ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text);
  if (wrap) ImGui::PopTextWrapPos();
}
}  // namespace

void label(const char* text) {
  text_in_window(text);
  ImRect r(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  if (ImGui::IsItemVisible()) record(0, "text", "text", text, r, true, false);
}

void heading_label(const char* text, int level) {
  text_in_window(text);
  ImRect r(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  if (!ImGui::IsItemVisible()) return;
  WidgetInfo& w = record(0, "text", "heading", text, r, true, false);
  w.level = level;
}

void label_fitted(const std::string& text) {
  const float room = ImGui::GetContentRegionAvail().x;
  if (ImGui::CalcTextSize(text.c_str()).x <= room) {
    label(text.c_str());
    return;
  }
  // The longest start of the text, cut between characters, that fits with « … ».
  const char* const ellipsis = "\u2026";
  std::size_t fits = 0;
  for (std::size_t at = 1; at <= text.size(); ++at) {
    if (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) continue;  // inside a character
    if (ImGui::CalcTextSize((text.substr(0, at) + ellipsis).c_str()).x > room) break;
    fits = at;
  }
  const std::string shown = text.substr(0, fits) + ellipsis;
  ImGui::TextUnformatted(shown.c_str());
  const ImRect r(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  if (ImGui::IsItemVisible()) record(0, "text", "text", text.c_str(), r, true, false);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
}

void table_row_count(int rows) {
  ImGuiTable* table = GImGui->CurrentTable;
  if (!table) return;
  ContainerInfo* c = container(table->ID);
  if (!c) {
    g_log.containers_building.push_back(ContainerInfo{table->ID, "table"});
    c = &g_log.containers_building.back();
  }
  c->rows = rows;
}

void layout_table() {
  if (ImGuiTable* table = GImGui->CurrentTable) g_log.layout_tables.push_back(table->ID);
}

void table_row_index(int index) {
  ImGuiTable* table = GImGui->CurrentTable;
  if (!table) return;
  g_log.indexed_table = table->ID;
  g_log.indexed_row = table->CurrentRow;
  g_log.row_index = index;
}

namespace {
// The record of the widget just drawn, or nullptr when ImGui's last item was not recorded.
WidgetInfo* last_widget() {
  if (g_log.building.empty() || g_log.building.back().id != ImGui::GetItemID()) return nullptr;
  return &g_log.building.back();
}

// A text drawn right before the field, saying the same, is its caption (form.h's text_field).
void mark_caption(std::size_t field_index, const char* text) {
  if (field_index == 0) return;
  WidgetInfo& before = g_log.building[field_index - 1];
  if (before.role == "text" && before.label == text) before.role = "caption";
}
}  // namespace

void name_last_widget(const char* text, const char* value) {
  const ImGuiID id = ImGui::GetItemID();
  if (WidgetInfo* w = last_widget()) {
    w->label = text;
    mark_caption(g_log.building.size() - 1, text);
    return;
  }
  // Widgets that have no test-engine hook are recorded here, from the last item: combo boxes,
  // and table headers (placed in their header row, they become column headers).
  if (!ImGui::IsItemVisible()) return;
  const ImGuiLastItemData& item = GImGui->LastItemData;
  WidgetInfo& w = record(id, "item", "combobox", text, item.Rect, !(item.InFlags & ImGuiItemFlags_Disabled), false);
  if (w.role != "combobox") return;
  w.expanded = ImGui::IsPopupOpen(ImHashStr("##ComboPopup", 0, id), ImGuiPopupFlags_None) ? 1 : 0;
  if (value) w.value = value;
  g_log.combo_value = w.value;
  mark_caption(g_log.building.size() - 1, text);
}

void field_value(const std::string& value, bool multiline) {
  if (WidgetInfo* w = last_widget()) {
    w->value = value;
    w->multiline = multiline;
  }
}

void field_error(const std::string& message) {
  // The message's own text was recorded last; the field is the interactive widget before it.
  for (auto w = g_log.building.rbegin(); w != g_log.building.rend(); ++w) {
    if (w->id == 0) continue;
    if (w->role == "textbox" || w->role == "combobox") w->error = message;
    return;
  }
}

void widget_about(const std::string& what) {
  if (WidgetInfo* w = last_widget()) w->about = what;
}

void widget_shortcut(const std::string& keys) {
  if (WidgetInfo* w = last_widget()) w->shortcut = keys;
}

void last_widget_is(const char* role, bool selected) {
  WidgetInfo* w = last_widget();
  if (!w) return;
  w->role = role;
  w->selected = selected;
  if (!g_log.group_name.empty() && (w->role == "radio" || w->role == "tab")) {
    w->group = std::move(g_log.group_name);
    g_log.group_name.clear();
  }
}

void name_next_group(const char* name) {
  mark_caption(g_log.building.size(), name);  // the text drawn last, when it says the same
  g_log.group_name = name;
}

std::string widget_log_json(float scale) {
  nlohmann::json out = nlohmann::json::array();
  for (const WidgetInfo& w : g_log.last) {
    out.push_back({{"id", w.id}, {"kind", w.kind}, {"role", w.role}, {"label", w.label}, {"key", w.key}, {"x", w.x * scale},
                   {"y", w.y * scale}, {"w", w.w * scale}, {"h", w.h * scale}, {"enabled", w.enabled}, {"checked", w.checked}});
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace quittance::ui

// --- ImGui test-engine hooks (declared in imgui_internal.h) -------------------------------

void ImGuiTestEngineHook_ItemAdd(ImGuiContext*, const ImRect& bb, ImGuiID id) {
  quittance::ui::g_log.rects[id] = bb;
}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext* ctx, ImGuiID id, const char* label, ImGuiItemStatusFlags flags) {
  if (!label || !*label) return;
  const ImGuiLastItemData& item = ctx->LastItemData;
  const bool enabled = !(item.InFlags & ImGuiItemFlags_Disabled);
  const bool checkable = flags & ImGuiItemStatusFlags_Checkable;
  // The role, from how ImGui added the item; place() may make it a column header.
  const char* role = "button";
  bool selected = false;
  const ImGuiWindow* window = ctx->CurrentWindow;
  if (item.InFlags & ImGuiItemFlags_Inputable) {
    role = "textbox";
  } else if (checkable) {
    role = "checkbox";
  } else if (ctx->CurrentTabBar && ImGui::TabBarFindTabByID(ctx->CurrentTabBar, id)) {
    role = "tab";
    selected = ctx->CurrentTabBar->SelectedTabId == id;
  } else if (window && quittance::ui::is_combo_list(window->RootWindow)) {
    role = "option";
  }
  quittance::ui::WidgetInfo& w = quittance::ui::record(id, checkable ? "checkbox" : "item", role, label, item.Rect,
                                                       enabled, (flags & ImGuiItemStatusFlags_Checked) != 0);
  if (std::strcmp(role, "option") == 0) selected = !quittance::ui::g_log.combo_value.empty() && w.label == quittance::ui::g_log.combo_value;
  w.selected = selected;
  if (flags & ImGuiItemStatusFlags_Openable) w.expanded = (flags & ImGuiItemStatusFlags_Opened) ? 1 : 0;
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}

const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }
