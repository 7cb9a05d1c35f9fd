// The check a backup must pass before it replaces the clinic's data: the store's checks
// (store/backup.h: an SQLite file, Quittance's schema, not newer, intact) and then the
// journal's hash chain, which is the command layer's (journal.h) and so is verified here.
#pragma once
#include <cstddef>

#include "store/backup.h"

namespace quittance::app {

// Every check, on a private read-only copy of the bytes: status Ok with what the backup holds
// (patients, invoices, the last journal entry's time), or the first problem found.
store::BackupCheck check_backup(const unsigned char* data, std::size_t size);

}  // namespace quittance::app
