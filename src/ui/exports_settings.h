// « Exports et sauvegarde » in « Paramètres »: files for the accountant over a period (the
// livre-journal as PDF and CSV, export.csv: invoices, payments, credit notes, refunds; the FEC
// files, fec_exports.h), a backup of the whole clinic
// database, and the restore of a backup — checked first (app::BackupCheckJob, with its progress
// and a way to stop it), shown (« Sauvegarde
// du 21/11/2026 : 12 patients, 340 factures »), and applied only once the user confirms.
// Files go to and come from the user through the platform's hooks (platform_hooks.h).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "app/backup_check_job.h"
#include "app/commands.h"
#include "store/backup.h"
#include "ui/fec_exports.h"
#include "ui/platform_hooks.h"

namespace quittance::ui {

struct ExportsState {
  // A download's outcome, shown under its buttons in the interface language.
  struct Message {
    std::string text;  // "" : nothing to say
    bool error = false;
    void say(const std::string& said, bool is_error) {
      text = said;
      error = is_error;
    }
  };
  std::string from, to;    // the export period as typed (dd/mm/yyyy); the current month at first
  Message csv_message;     // the last CSV, PDF or FEC export's
  FecState fec;            // the FEC downloads' accounts
  Message backup_message;  // the last backup's
  int storage_persisted = -1;  // the browser's persistence of its storage (AppStatus), shown with the backup

  // The restore of a backup, step by step.
  enum class Restore {
    None,      // nothing picked
    Checking,  // a file was picked: `job` checks it a slice a frame, and may be stopped
    Checked,   // a file was picked and checked: `check` says what it holds or why it is refused
    Running,  // confirmed; the platform replaces the database after this frame
    Done,     // replaced: the app now shows the backup's data
    Failed,   // the platform could not replace it; the data is unchanged
  };
  Restore restore = Restore::None;
  std::string file_name;           // the picked file's name
  std::shared_ptr<app::BackupCheckJob> job;  // Checking: the check under way, holding the bytes
  Bytes bytes;                     // its content, kept until confirmed or cancelled (only when check is ok)
  store::BackupCheck check;        // what the check found
  std::string error_key;           // why the restore failed (Failed)
  bool scroll_to_restore = false;  // bring the restore's news into view at the next frame
};

void draw_exports_settings(app::CommandLayer& commands, std::uint64_t data_version, ExportsState& state);

// For the browser tests only (window.quittance.holdBackupCheck): while held, a backup's check
// waits at 0 %, so that a test can stop it at a known point whatever the machine's speed.
void hold_backup_checks(bool held);

// The period typed, as ISO dates {from, to}; nullopt, said in state.csv_message, when a date is
// not one or the end comes before the start. Every download of the screen reads it so.
std::optional<std::pair<std::string, std::string>> export_period(ExportsState& state);

}  // namespace quittance::ui
