// An upgrade of a device's books to a newer schema, said in the journal: the audit log shows
// when this device's file changed version and what the upgrade did to documents already
// issued (migration 13 froze them with the practice, payer and patient of that day:
// frozen_documents.h). The migrations are SQL and know no journal, so the session (or the CLI)
// reads the version before migrating and journals `books.upgraded` once a command layer exists.
//
// The operation records a fact of the device that made it; it changes no row, here or on
// replicas (they upgraded their own files), and every role may write it: a read-only device
// upgrades too. docs/commands.md, « books.upgraded ».
#pragma once
#include <cstdint>
#include <optional>

#include "app/commands.h"

namespace quittance::app {

struct BooksUpgrade {
  int from = 0, to = 0;
  // Documents the upgrade froze (only when it crossed schema 13).
  std::optional<std::int64_t> frozen_invoices, frozen_credit_notes;
};

// What migrating from schema `from` did to `db`, read once it is migrated: none for new books
// (schema 0) or books already up to date.
std::optional<BooksUpgrade> books_upgrade(store::Database& db, int from);

// Journals it through `commands`, as its current actor; the command's answer.
Json journal_books_upgrade(CommandLayer& commands, const BooksUpgrade& upgrade);

}  // namespace quittance::app
