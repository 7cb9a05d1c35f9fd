// The sync state in words. See sync_status.h.
#include "ui/sync_status.h"

#include "ui/i18n.h"

namespace quittance::ui {

std::string sync_status_text(sync::LogSync& log, const sync::ServerLink& server, bool network) {
  const sync::SyncState state = log.state();
  if (state == sync::SyncState::Off) return "";
  const std::int64_t pending = log.pending();
  std::string text;
  if (server.connection() == sync::Connection::Revoked) {
    text = tr("backend.revoked");
  } else if (log.restoring()) {
    text = tr("sync.restoring");
  } else if (state == sync::SyncState::Syncing) {
    text = tr("sync.syncing");
  } else if (state == sync::SyncState::UpdateRequired) {
    text = tr("sync.update_required");
  } else if (state == sync::SyncState::Failed) {
    const std::string& why = log.error();
    text = tr(why == "books_need_import" ? "sync.books_need_import"
              : why == "other_clinic"    ? "sync.other_clinic"
                                         : "sync.failed");
  } else if (server.connection() == sync::Connection::Offline) {
    if (network) text = tr("sync.unreachable");
  } else if (state == sync::SyncState::Waiting) {
    text = tr("sync.waiting");
  } else if (pending == 0) {
    text = tr("sync.up_to_date");
  }
  // What is not on the server yet, always said: it is what a lost device would lose.
  if (pending > 0) {
    if (!text.empty()) text += " — ";
    text += std::to_string(pending) + " " + tr(pending == 1 ? "sync.pending_one" : "sync.pending_many");
  }
  // Refused by the server: kept here, never on the server; said with the newest reason.
  if (const std::int64_t refused = log.refused_by_server(); refused > 0) {
    if (!text.empty()) text += " — ";
    text += std::to_string(refused) + " " + tr(refused == 1 ? "sync.refused_one" : "sync.refused_many") + " " +
            log.last_refusal();
  }
  return text;
}

}  // namespace quittance::ui
