// The operation journal: every command that changed data, in order, with its answer. It is
// the unit of sync (a later issue) and the audit log: each entry holds the SHA-256 of the
// previous one, so changing, removing or reordering an entry breaks the chain at that point.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "store/database.h"

namespace quittance::app {

struct JournalEntry {
  std::int64_t seq = 0;
  std::string command_id, name, actor, body, result, at, prev_hash, hash;
};

std::optional<JournalEntry> find_journal_entry(store::Database& db, const std::string& command_id);
// Appends an entry chained to the last one; returns its sequence number.
std::int64_t append_journal(store::Database& db, const std::string& command_id, const std::string& name,
                            const std::string& actor, const std::string& body, const std::string& result,
                            const std::string& at);

struct ChainCheck {
  bool ok = true;
  std::int64_t entries = 0;       // entries checked
  std::int64_t broken_at = 0;     // first sequence number whose hash does not match, if !ok
};
ChainCheck verify_journal(store::Database& db);

// The hash of an entry: SHA-256 over its fields and the previous hash (documented in docs/commands.md).
std::string entry_hash(const JournalEntry& e);

}  // namespace quittance::app
