// A practice's existing books brought onto the server (quittance-server import-books): a
// practice that used Quittance in one browser, or a backup of its books, becomes a clinic
// whose log holds their history and whose snapshot (sync/snapshots.h) is those very books, so that
// every device paired afterwards restores them whole, with the same numbers.
#pragma once
#include <cstdint>
#include <string>

#include "server/store/sql.h"

namespace quittance::server {

struct ImportedBooks {
  std::int64_t operations = 0;  // journal entries, now the log's operations 1..N
};

// `books_file` is read, never written: it is copied to `snapshot_dir`/<clinic>.db first. The
// clinic's log must be empty (std::runtime_error otherwise); store::StoreError on a database
// failure, and then nothing of the log is kept.
ImportedBooks import_books(Sql& server, const std::string& clinic_id, const std::string& books_file,
                           const std::string& snapshot_dir, const std::string& now);

}  // namespace quittance::server
