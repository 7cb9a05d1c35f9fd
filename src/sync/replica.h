// This device's copy of the clinic's operation log (docs/sync.md): the operations made here
// and not yet accepted by the server (the outbox), and the server's operations applied in the
// server's order. An operation of another device ordered before some of this device's pending
// ones is applied after undoing them (their recorded changes), and they are then made again:
// every device ends with the same operations applied in the same order, hence the same books.
// Pure C++ over the clinic database: the transport is the caller's (sync/sync_client.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "store/database.h"

namespace quittance::sync {

using Json = nlohmann::json;

constexpr int kSyncProtocol = 1;  // in every batch; a newer one is refused, never guessed at

// An operation as it travels, and back.
Json op_to_json(const app::Op& op);
// False (and `error` says which field) for anything but a well-formed operation.
bool op_from_json(const Json& j, app::Op* op, std::string* error);

struct PullOutcome {
  std::int64_t applied = 0;     // new operations applied
  std::int64_t duplicates = 0;  // already here (sent twice, or this device's own)
  std::int64_t refused = 0;     // applied as refused (every device agrees on it)
  bool gap = false;             // the batch skipped sequence numbers: the rest is asked again
  std::int64_t rebased = 0;     // pending operations undone and made again after them
  std::string blocked;          // "unknown_operation": stopped before one from a newer Quittance
  std::int64_t parked = 0;      // server facts these books cannot record yet (sync_parked)
  std::int64_t unparked = 0;    // parked facts recorded at last
};

// Writes one of the replica's own values (sync_state: "cursor", "clinic") in a clinic
// database; also how the server gives its copies of the books their place in the log.
void set_sync_state(store::Database& db, const std::string& key, const std::string& value);

class Replica {
 public:
  // `commands` runs on `db` and has this device's origin set (CommandLayer::set_origin).
  Replica(store::Database& db, app::CommandLayer& commands);

  // The last server sequence number applied here.
  std::int64_t cursor();
  // Operations to send, oldest first.
  std::vector<app::Op> outbox(std::size_t limit);
  std::int64_t pending_count();
  // The server accepted these operations (id → its sequence number), pushed with `base`: no
  // longer undone. When they took the numbers right after `base`, nothing else came between
  // and the cursor moves past them (no need to pull them back).
  void accepted(const std::vector<std::pair<std::string, std::int64_t>>& seqs, std::int64_t base);
  // Applies a pulled batch: sorted by sequence number, duplicates skipped, and only what
  // follows the cursor without a gap. Atomic: on a storage error nothing of it is applied.
  // The caller makes the database durable afterwards (and after accepted()).
  PullOutcome apply_pulled(std::vector<app::Op> ops);
  // The server refused these pending operations of this device (docs/sync.md, « Validated at
  // the door »): they are undone and kept in the journal as refused by the server (never sent
  // again, never silently dropped: refused_by_server_count() shows them), and the other
  // pending operations are made again without them, all in one pass. Returns how many of them
  // were pending here.
  struct Refusal {
    std::string id, code, message;
  };
  std::int64_t refused_by_server(const std::vector<Refusal>& refusals);
  // Facts the server wrote into the log that these books cannot record yet (a payment whose
  // patient comes later in the log): parked, and tried again after each later operation
  // pulled, in the log's order, so that every replica records them at the same place.
  std::int64_t parked_count();
  // The cursor, or the place before the first parked fact: everything up to it is applied here.
  std::int64_t applied_through();
  // Operations of this device the server refused, and the newest one's reason.
  std::int64_t refused_by_server_count();
  std::string last_refusal();

  // Patients, invoices or payments are here: books of their own, which join a clinic only on
  // the server's terms (docs/sync.md, « Pairing »).
  bool has_books();
  // Books written before this device recorded operations (an earlier Quittance, or the
  // command line): they cannot be sent as operations; the server takes them with
  // `quittance-server import-books` instead.
  bool has_unrecorded_books();
  // The clinic whose log the cursor counts in ("" before the first pairing).
  std::string clinic();
  // This device joined `clinic_id` as `origin`: its operations not yet sent become that
  // device's (they were made before pairing, or under a revoked device), and a cursor counted
  // in another clinic's log starts over.
  void join(const std::string& clinic_id, const std::string& origin);

 private:
  void set_cursor(std::int64_t seq);
  // Undoes every pending operation (newest first) and drops their journal entries; returns
  // them, oldest first, to be made again (redo).
  std::vector<app::Op> undo_pending();
  void redo(const app::Op& op);
  // `op`, pulled, was refused: true when it is a fact parked instead (its refusal taken back).
  bool park_if_early(const app::Op& op, const app::OpOutcome& outcome);
  // A refusal journaled by apply(), taken back out: a parked fact is not yet applied or refused.
  void unjournal(const std::string& command_id);
  // Applies every one of `ops` (other devices') under one savepoint and counts them in
  // `outcome`; false, with nothing of them left, when one of them is not applied.
  bool apply_all_or_nothing(const std::vector<app::Op>& ops, PullOutcome& outcome);
  // Tries the parked facts again, oldest first.
  void retry_parked(PullOutcome& outcome);
  store::Database& db_;
  app::CommandLayer& commands_;
};

}  // namespace quittance::sync
