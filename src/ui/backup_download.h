// The backup download, from « Exports et sauvegarde » and from the end-of-day reminder
// (safety_notice.h): the clinic database as it stands, checked as a restore would check it,
// handed to the user as quittance-sauvegarde-DATE.sqlite. This device remembers the journal's
// newest entry at each download, so that the reminder knows when the books changed since.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "app/commands.h"

namespace quittance::ui {

// The file's name once handed over; nullopt when the database could not be read soundly (nothing
// is downloaded then) or this platform cannot download.
std::optional<std::string> download_backup(app::CommandLayer& commands);

// The journal's newest entry (seq, and its UTC instant) as app.info gives it.
struct JournalHead {
  std::int64_t seq = 0;
  std::string at;
};
JournalHead journal_head(app::CommandLayer& commands);

// The journal seq the last backup downloaded on this device held (0: none, or not remembered).
std::int64_t seq_at_last_backup();

}  // namespace quittance::ui
