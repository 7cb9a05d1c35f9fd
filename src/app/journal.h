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
  // Where it was made (sync; "" before sync was set up) and its place in the server's order
  // (0: not accepted yet). Not hashed: the chain is this device's order of events.
  std::string origin, series, day;
  std::int64_t server_seq = 0;
};

std::optional<JournalEntry> find_journal_entry(store::Database& db, const std::string& command_id);
// Appends `entry` (its seq and hashes are set here) chained to the last one; returns its seq.
std::int64_t append_journal(store::Database& db, JournalEntry entry);

struct ChainCheck {
  bool ok = true;
  std::int64_t entries = 0;       // entries checked
  std::int64_t broken_at = 0;     // first sequence number whose hash does not match, if !ok
};
ChainCheck verify_journal(store::Database& db);

// verify_journal a slice at a time (a backup checked between an interface's frames).
class JournalChainCheck {
 public:
  // Verifies up to `entries` more entries; false once the chain is verified to its end or broken.
  bool step(store::Database& db, std::int64_t entries);
  const ChainCheck& result() const { return check_; }

 private:
  ChainCheck check_;
  std::string prev_ = std::string(64, '0');  // prev_hash of the first entry
  bool done_ = false;
};

// The hash of an entry: SHA-256 over its fields and the previous hash (documented in docs/commands.md).
std::string entry_hash(const JournalEntry& e);

}  // namespace quittance::app
