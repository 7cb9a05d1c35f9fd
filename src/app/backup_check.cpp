// A backup's full check: the store's, then the journal's hash chain. See backup_check.h.
#include "app/backup_check.h"

#include "app/journal.h"

namespace quittance::app {

store::BackupCheck check_backup(const unsigned char* data, std::size_t size) {
  return store::check_backup(data, size, [](store::Database& backup, store::BackupCheck& check) {
    const ChainCheck chain = verify_journal(backup);
    if (!chain.ok) {
      check.status = store::BackupStatus::JournalBroken;
      check.message = "the journal's hash chain breaks at entry " + std::to_string(chain.broken_at);
    }
  });
}

}  // namespace quittance::app
