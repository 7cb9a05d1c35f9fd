// What a screen reader says without the practitioner looking: the outcome of an action
// (« Paiement enregistré, facture F-2026-0042 réglée »), a refusal and its reason, the save and
// sync state. The accessibility layer reads them into an ARIA live region (semantics.h).
#pragma once
#include <string>
#include <vector>

namespace quittance::ui {

struct Announcement {
  std::string text;
  bool urgent = false;  // a refusal or a failure: said at once (aria-live="assertive")
};

// Says `text` once.
void announce(const std::string& text, bool urgent = false);
// A message drawn this frame (an error under a form, the status bar's state): said when it
// appears, not again while it stays.
void message_shown(const std::string& text, bool urgent = false);
// At the end of a frame: the messages that appeared join what is to be said.
void announcements_end_frame();
// What is to be said since the last call, oldest first.
std::vector<Announcement> take_announcements();

}  // namespace quittance::ui
