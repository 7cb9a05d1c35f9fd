// The backup download. See backup_download.h.
#include "ui/backup_download.h"

#include <string_view>

#include "app/backup_check.h"
#include "ui/format.h"
#include "ui/platform_hooks.h"

namespace quittance::ui {

namespace {
constexpr const char* kLastBackupKey = "backup.journal_seq";  // platform().remember's key
}  // namespace

JournalHead journal_head(app::CommandLayer& commands) {
  const app::Json info = commands.query({{"cmd", "app.info"}});
  JournalHead head;
  if (!info.value("ok", false) || !info["result"].contains("journal_head")) return head;
  const app::Json& h = info["result"]["journal_head"];
  head.seq = h.value("seq", std::int64_t{0});
  head.at = h.value("at", std::string());
  return head;
}

std::int64_t seq_at_last_backup() {
  if (!platform().recall) return 0;
  try {
    return std::stoll(platform().recall(kLastBackupKey));
  } catch (const std::exception&) {  // never written, or not a number
    return 0;
  }
}

std::optional<std::string> download_backup(app::CommandLayer& commands) {
  if (!platform().download || !platform().backup) return std::nullopt;
  const JournalHead head = journal_head(commands);
  std::optional<Bytes> bytes = platform().backup();
  // A page SQLite failed to read would be written as zeros: a backup is offered only once it
  // passes the checks a restore will make.
  bool sound = false;
  try {
    sound = bytes && app::check_backup(bytes->data(), bytes->size()).ok();
  } catch (const store::StoreError&) {  // out of memory for the check's copy
  }
  if (!sound) return std::nullopt;
  const std::string filename = "quittance-sauvegarde-" + today_iso() + ".sqlite";
  platform().download(filename, "application/vnd.sqlite3",
                      std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  if (platform().remember) platform().remember(kLastBackupKey, std::to_string(head.seq));
  return filename;
}

}  // namespace quittance::ui
