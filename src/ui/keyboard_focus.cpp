// Keyboard and assistive-technology focus. See keyboard_focus.h.
#include "ui/keyboard_focus.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

bool takes_focus(const WidgetInfo& w) {
  if (w.id == 0 || !w.enabled) return false;
  static constexpr const char* kRoles[] = {"button", "textbox", "checkbox", "radio", "combobox", "tab", "option", "link", "columnheader"};
  for (const char* role : kRoles) {
    if (w.role == role) return true;
  }
  return false;
}

const WidgetInfo* find(unsigned id) {
  if (id == 0) return nullptr;
  for (const WidgetInfo& w : widget_log_last_frame()) {
    if (w.id == id) return &w;
  }
  return nullptr;
}

const ContainerInfo* container_of(unsigned id) {
  for (const ContainerInfo& c : widget_log_last_containers()) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

// Tab stays in the open dialog, as a modal dialog's focus does; without one, it goes through
// the app's regions but not into a combo's list (arrows and Enter choose there).
bool in_scope(const WidgetInfo& w, const ImGuiWindow* modal) {
  if (modal) return w.root == modal->ID;
  const ContainerInfo* c = container_of(w.root);
  return !c || (c->role != "listbox" && c->role != "menu");
}

ImRect rect_of(const WidgetInfo& w) { return ImRect(w.x, w.y, w.x + w.w, w.y + w.h); }

// ImGui's keyboard focus on a widget that is not a text field: shown, scrolled into view.
bool set_nav_focus(const WidgetInfo& w) {
  ImGuiWindow* window = ImGui::FindWindowByID(w.window);
  if (!window) return false;
  ImGuiContext& g = *GImGui;
  if (g.ActiveId != 0 && g.ActiveId != w.id) ImGui::ClearActiveID();
  if (g.NavWindow != window) ImGui::FocusWindow(window);
  ImGui::SetFocusID(w.id, window);
  window->NavRectRel[g.NavLayer] = ImGui::WindowRectAbsToRel(window, rect_of(w));
  g.NavDisableHighlight = false;
  g.NavDisableMouseHover = true;
  ImGui::ScrollToRect(window, rect_of(w), ImGuiScrollFlags_None);
  return true;
}

// Only drawn widgets are in the log, so Tab must not take what a window's scroll position
// happens to show for all of it: leaving a window with more of it below (above, for Shift+Tab)
// scrolls it on and looks again; entering a window lands on its first widget (its last), the
// window scrolled to its start (end) first. Either way the focus is placed once a frame has
// drawn the window there (focus_end_frame). Tables are one stop, their scroll their own.
struct Entry {
  ImGuiID window = 0;
  bool backwards = false;
  unsigned after = 0;  // continuing in the window after (before) this widget; 0: entering it
};
Entry g_entry;

bool enter_scrolled(const WidgetInfo& target, bool backwards) {
  ImGuiWindow* window = target.table ? nullptr : ImGui::FindWindowByID(target.window);
  if (!window) return false;
  const bool away = backwards ? window->Scroll.y < window->ScrollMax.y - 0.5f : window->Scroll.y > 0.5f;
  if (!away) return false;
  ImGui::SetScrollY(window, backwards ? window->ScrollMax.y : 0.0f);
  g_entry = Entry{target.window, backwards, 0};
  return true;
}

bool continue_scrolled(const WidgetInfo& now, bool backwards) {
  ImGuiWindow* window = now.table ? nullptr : ImGui::FindWindowByID(now.window);
  if (!window) return false;
  const bool more = backwards ? window->Scroll.y > 0.5f : window->Scroll.y < window->ScrollMax.y - 0.5f;
  if (!more) return false;
  const float step = window->InnerRect.GetHeight() * 0.5f;
  ImGui::SetScrollY(window, ImClamp(window->Scroll.y + (backwards ? -step : step), 0.0f, window->ScrollMax.y));
  g_entry = Entry{now.window, backwards, now.id};
  return true;
}

}  // namespace

bool focus_end_frame() {
  if (g_entry.window == 0) return false;
  const Entry entry = g_entry;
  g_entry = Entry{};
  const ImGuiWindow* modal = ImGui::GetTopMostPopupModal();
  const std::vector<WidgetInfo>& log = widget_log_last_frame();
  auto fits = [&](const WidgetInfo& w) { return w.window == entry.window && takes_focus(w) && in_scope(w, modal); };
  const WidgetInfo* chosen = nullptr;
  std::size_t at = log.size();
  for (std::size_t i = 0; entry.after != 0 && i < log.size(); ++i) {
    if (log[i].id == entry.after) at = i;
  }
  if (at == log.size()) {  // entering the window (or the widget left was scrolled away)
    for (const WidgetInfo& w : log) {
      if (fits(w) && (!chosen || entry.backwards)) chosen = &w;
    }
  } else {
    if (entry.backwards) {
      for (std::size_t i = at; i-- > 0 && !chosen;) {
        if (fits(log[i])) chosen = &log[i];
      }
    } else {
      for (std::size_t i = at + 1; i < log.size() && !chosen; ++i) {
        if (fits(log[i])) chosen = &log[i];
      }
    }
    // Nothing more came into view yet: on, as a Tab from where the focus is (it scrolls again,
    // or leaves the window once at its end).
    if (!chosen) return focus_step(entry.backwards);
  }
  return chosen && focus_widget(chosen->id);
}

unsigned focused_widget() {
  const ImGuiContext& g = *GImGui;
  if (g.ActiveId != 0 && g.InputTextState.ID == g.ActiveId) return g.ActiveId;
  return g.NavWindow ? g.NavId : 0;
}

bool focus_widget(unsigned id) {
  const WidgetInfo* w = find(id);
  if (!w || !takes_focus(*w)) return false;
  if (w->role == "textbox") return activate_widget(id);
  return set_nav_focus(*w);
}

bool activate_widget(unsigned id) {
  const WidgetInfo* w = find(id);
  if (!w || !w->enabled) return false;
  const bool field = w->role == "textbox";
  if (field) {
    // Activated, it takes ImGui's focus itself; only brought into view here.
    if (ImGuiWindow* window = ImGui::FindWindowByID(w->window)) ImGui::ScrollToRect(window, rect_of(*w), ImGuiScrollFlags_None);
  } else if (!set_nav_focus(*w)) {
    return false;
  }
  ImGui::ActivateItem(id);
  // A text field takes the caret rather than being « pressed ».
  if (field) GImGui->NavNextActivateFlags = ImGuiActivateFlags_PreferInput;
  return true;
}

bool focus_step(bool backwards) {
  const ImGuiWindow* modal = ImGui::GetTopMostPopupModal();
  const unsigned current = focused_widget();
  const WidgetInfo* now = find(current);
  // A table is one stop, as an ARIA grid is: Tab enters it at the widget focused there last
  // (or its first), arrows move inside (ImGui's directional navigation), Tab leaves it. A
  // list of 100,000 invoices is not 100,000 presses of Tab.
  std::vector<const WidgetInfo*> order;
  std::vector<unsigned> tables_met;
  for (const WidgetInfo& w : widget_log_last_frame()) {
    if (!takes_focus(w) || !in_scope(w, modal)) continue;
    if (w.table) {
      if (std::find(tables_met.begin(), tables_met.end(), w.table) != tables_met.end()) {
        if (now && now->table == w.table && w.id == current) order.back() = &w;
        continue;
      }
      tables_met.push_back(w.table);
    }
    order.push_back(&w);
  }
  if (order.empty()) return false;
  int at = -1;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i]->id == current) at = static_cast<int>(i);
  }
  const int n = static_cast<int>(order.size());
  const int next = at < 0 ? (backwards ? n - 1 : 0) : (at + (backwards ? n - 1 : 1)) % n;
  if (now && order[next]->window != now->window &&
      (continue_scrolled(*now, backwards) || enter_scrolled(*order[next], backwards))) {
    return true;
  }
  return focus_widget(order[next]->id);
}

bool activate_focused() {
  const ImGuiContext& g = *GImGui;
  if (g.ActiveId != 0 || g.NavId == 0 || g.NavDisableHighlight) return false;
  const WidgetInfo* w = find(g.NavId);
  if (!w || w->role == "textbox" || !takes_focus(*w)) return false;
  ImGui::ActivateItem(g.NavId);
  return true;
}

}  // namespace quittance::ui
