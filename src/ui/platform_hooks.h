// What the screens ask of the platform they run on, without knowing which it is: hand a file
// to the user, ask the user for one, copy and replace the clinic database. The platform glue
// fills these hooks at start-up (the browser: src/platform/web/main.cpp and web_files.cpp), as
// ImGui's io takes clipboard functions; a hook left empty means "not available here", and the
// screens then disable what needs it.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quittance::ui {

using Bytes = std::vector<unsigned char>;

struct Platform {
  // Gives `bytes` to the user as a file named `filename` (the browser downloads it).
  std::function<void(const std::string& filename, const std::string& mime, std::string_view bytes)> download;
  // Asks the user for a file whose name ends with one of `accept` (".sqlite,.db"). `picked` gets
  // its name and content later, outside any frame; it is never called if the user cancels.
  std::function<void(const std::string& accept, std::function<void(std::string name, Bytes bytes)> picked)> pick_file;
  // The clinic database as it stands, as a backup file holds it; nullopt if it cannot be read.
  std::function<std::optional<Bytes>()> backup;
  // Replaces the clinic database by backup bytes an app::BackupCheckJob passed (not checked
  // again), once a frame saying so has been shown (the frames stop meanwhile; it holds the
  // command layer the restore closes). `done` gets "" on success, else a catalogue key
  // explaining the refusal; on a refusal the clinic's data is unchanged.
  std::function<void(Bytes bytes, std::function<void(const std::string& error_key)> done)> restore;
  // Asks for another frame soon: work done a slice a frame (a backup being checked) goes on.
  std::function<void()> redraw;
  // After the browser lost the books (error.storage_lost): forget that it held any, and start
  // again with empty ones (the page reloads). `mode`: "server" (the device's link is kept and
  // the books come back from its server), "backup" (opens the restore), "empty".
  std::function<void(const std::string& mode)> start_over;
  // Small values this device keeps for itself, outside the books (the browser: localStorage):
  // what `remember` stored under `key`, "" if nothing.
  std::function<void(const std::string& key, const std::string& value)> remember;
  std::function<std::string(const std::string& key)> recall;
  // Asks the browser to keep the books even when its disk fills (navigator.storage.persist()),
  // from a click, after the interface said why; `answered` gets whether it agreed.
  std::function<void(std::function<void(bool granted)> answered)> ask_persistence;
  // This page's origin ("https://app.cabinet.fr"): the start of a payment link when the server
  // gave no public address of its own.
  std::function<std::string()> page_origin;
  // Opens `url`: in this tab (Stripe's onboarding form, which sends the practitioner back to
  // the app), or in a new one (Stripe's dashboard, beside the app).
  std::function<void(const std::string& url, bool new_tab)> open_url;
};

// The hooks of this process (all empty until the platform glue fills them).
Platform& platform();

}  // namespace quittance::ui
