// What could still lose the practice's work, said above the screen while it holds (the books
// are safe in this browser's storage; this is about this browser being the only copy):
// - a paired device with operations the server has not had for a minute, out of reach: how many;
// - books that synced with a server, on a device no longer linked to it (its link was lost with
//   IndexedDB): that nothing reaches the server, and how to link it again;
// - a practice with no server, whose books changed since the last backup downloaded here, at the
//   end of the day (from 17:00, or the next day): that its books live only in this browser, and
//   the day's backup, one click away;
// - a practice with no server whose browser has not promised to keep its storage: why it
//   matters, and the browser asked from a click (navigator.storage.persist()); once refused,
//   not again, and « Plus tard » until the next day.
#pragma once
#include <ctime>
#include <string>

#include "app/commands.h"
#include "sync/log_sync.h"
#include "sync/server_link.h"

namespace quittance::ui {

struct SafetyNoticeState {
  std::time_t unsent_since = 0;  // when unsent operations and no server were first seen together (0: not)
  bool later = false;            // « Plus tard » on the backup: not again this session
  bool persistence_put_off = false;  // « Plus tard » or a refusal on the persistence (also remembered)
  bool asking = false;           // the browser's persistence asked, its answer awaited
  int persisted = -1;            // its answer to the click (-1: not asked here)
  std::string downloaded;        // the backup file handed over from here, said once
  bool download_failed = false;  // the database could not be read soundly: nothing handed over
};

// Draws the notice when one applies (nothing otherwise). `log` and `server` null, or unpaired:
// no server.
// `network`: the browser says it is online; `storage_persisted`: AppStatus's. Unsent work is
// said above every screen; the rest, which lasts, only on the dashboard (`dashboard`), where
// the app opens: above every screen it would push each one's bottom out of view all day.
void draw_safety_notice(app::CommandLayer& commands, sync::LogSync* log, const sync::ServerLink* server, bool network,
                        int storage_persisted, bool dashboard, SafetyNoticeState& state);

}  // namespace quittance::ui
