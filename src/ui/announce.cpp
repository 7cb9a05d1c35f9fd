// Announcements for screen readers. See announce.h.
#include "ui/announce.h"

#include <algorithm>

namespace quittance::ui {

namespace {
struct Announcer {
  std::vector<Announcement> pending;
  std::vector<std::string> shown_before, shown_now;  // messages drawn by the last frame and this one
  std::vector<Announcement> appeared;                 // drawn this frame and not by the last
};
Announcer g_announcer;

bool contains(const std::vector<std::string>& list, const std::string& text) {
  return std::find(list.begin(), list.end(), text) != list.end();
}
}  // namespace

void announce(const std::string& text, bool urgent) {
  if (!text.empty()) g_announcer.pending.push_back({text, urgent});
}

void message_shown(const std::string& text, bool urgent) {
  if (text.empty() || contains(g_announcer.shown_now, text)) return;
  g_announcer.shown_now.push_back(text);
  if (!contains(g_announcer.shown_before, text)) g_announcer.appeared.push_back({text, urgent});
}

void announcements_end_frame() {
  for (Announcement& a : g_announcer.appeared) g_announcer.pending.push_back(std::move(a));
  g_announcer.appeared.clear();
  g_announcer.shown_before.swap(g_announcer.shown_now);
  g_announcer.shown_now.clear();
}

std::vector<Announcement> take_announcements() {
  std::vector<Announcement> out;
  out.swap(g_announcer.pending);
  return out;
}

}  // namespace quittance::ui
