// The sync of the clinic's operation log, as the device schedules it (docs/sync.md): the
// replica over the books, one exchange at a time (sync_client.h), soon after a change made
// here and every 10 s when online, and what the status bar tells of it. Also the books' side
// of pairing (which clinic they joined, under which origin) and the restore of a new device
// from the server's snapshot. Inert without a database (the demo, the tests of card routes).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.h"
#include "store/database.h"
#include "sync/replica.h"
#include "sync/server_link.h"
#include "sync/sync_client.h"

namespace quittance::sync {

// The clinic's operation log, as the status bar tells it.
enum class SyncState {
  Off,             // not paired, or no sync (the demo)
  Waiting,         // paired, no exchange has ended yet
  Syncing,         // an exchange runs
  UpToDate,        // the last exchange ended caught up, nothing left to send
  Pending,         // operations wait to be sent (offline, or the next exchange is due)
  UpdateRequired,  // the log holds an operation this version does not know
  Failed,          // the server refused the exchange (retried with backoff)
};
const char* to_string(SyncState s);  // "off", "waiting", "syncing", ...

// What a device holds when it pairs: the server refuses to mix another practice's books into
// a clinic (docs/sync.md, « Pairing »).
struct BooksAtPairing {
  bool has_books = false;
  std::string clinic_id;
  std::int64_t cursor = 0;
};

class LogSync {
 public:
  // With `db` (the database `commands` runs on) the device syncs; without, nothing here does.
  LogSync(ServerLink& server, HttpTransport& http, app::CommandLayer& commands, store::Database* db);
  ~LogSync();
  bool enabled() const { return replica_ != nullptr; }

  // [Pairing] The link was read at start-up: the books take their origin from it.
  void started();
  // The link was forgotten: nothing runs for it any more.
  void forgotten();
  // Books older than sync, which cannot be sent as operations (Replica::has_unrecorded_books).
  bool has_unrecorded_books();
  BooksAtPairing books();
  // Paired: the books join the clinic as this device. A device without books of its own,
  // joining a clinic whose log holds operations, gets them whole from the snapshot.
  void joined(bool had_books, std::int64_t log_head);
  // The clinic the books joined ("" for books that never synced).
  std::string books_clinic() const;
  // The device's series shown in Paramètres → Cabinet as its own setting (never sent).
  void keep_series_setting();
  // Every operation made here records its origin (and what it changed), paired or not.
  void apply_origin();

  // [Scheduling] A command was committed here: it is sent within a second or so when online.
  void local_change();
  // Starts an exchange now if none runs, another one after the one running if one runs:
  // what was asked for (a card answer) may come after its pull.
  void exchange();
  // « Synchroniser maintenant »: an exchange now, the backoff forgotten, the server asked again.
  void sync_now();
  // Calls `done(ok)` once an exchange that starts from now has ended (at once when this device
  // does not sync): what was made here is then in the log, before what is asked next.
  void after_next_exchange(std::function<void(bool ok)> done);
  // These books may not sync with the clinic (books to import, another clinic's, storage).
  bool blocked() const { return !blocked_.empty(); }
  void tick(double now_ms);
  // Called after an exchange that changed the books (to reload screens and store them).
  void on_synced(std::function<void()> listener) { synced_ = std::move(listener); }

  // [State]
  SyncState state() const;
  std::int64_t pending();  // operations made here not yet accepted by the server
  // Operations made here that the server refused (docs/sync.md, « Validated at the door »),
  // and the newest one's reason: read at start and after an exchange that refused one.
  std::int64_t refused_by_server() const { return refused_count_; }
  const std::string& last_refusal() const { return last_refusal_; }
  // A fact of the server waits here for what it refers to (Replica::parked_count).
  bool has_parked() const { return parked_; }
  // The last exchange's error code, or why this device does not sync: "books_need_import",
  // "other_clinic" (books restored from another clinic's backup), "storage_error".
  const std::string& error() const { return blocked_.empty() ? error_ : blocked_; }
  const SyncOutcome& last() const { return last_; }
  // How far the books have read the log (0 without a database).
  std::int64_t cursor();
  // How far they have applied all of it: the cursor, or before the first fact parked here.
  std::int64_t applied_through();

  // [Restore] How the platform replaces the books by the clinic's snapshot (GET
  // /api/sync/snapshot): it downloads it, then calls `finished(downloaded)`: true means install
  // it (the platform then reopens the books and makes a new Backend); false (unpaired or
  // paired elsewhere meanwhile, or the download failed) means drop it, and the log is pulled.
  using SnapshotInstaller = std::function<void(const DeviceLink& link, std::function<bool(bool downloaded)> finished)>;
  void set_snapshot_installer(SnapshotInstaller installer) { install_snapshot_ = std::move(installer); }
  // True while the snapshot downloads: the page takes no new work meanwhile.
  bool restoring() const { return restoring_; }
  // The platform did not swap the snapshot in: the log is pulled instead.
  void snapshot_not_installed();

 private:
  std::int64_t count_or_zero(std::int64_t (Replica::*read)());
  void finished(const SyncOutcome& outcome);
  void check_books();
  void read_refusals();
  void read_parked();

  ServerLink& server_;
  app::CommandLayer& commands_;
  std::unique_ptr<Replica> replica_;
  std::unique_ptr<SyncClient> client_;
  std::function<void()> synced_;
  SnapshotInstaller install_snapshot_;
  bool restoring_ = false;
  std::string blocked_;  // why these books may not sync with this clinic ("" : they may)
  bool ever_synced_ = false, again_ = false;
  std::string error_;
  std::int64_t refused_count_ = 0;
  std::string last_refusal_;
  bool refusals_read_ = false, parked_read_ = false, parked_ = false;
  SyncOutcome last_;
  double next_ms_ = 0, backoff_ms_ = 0;
  // after_next_exchange's callers: for the next exchange to start, for the one running.
  std::vector<std::function<void(bool)>> waiting_next_, waiting_running_;
};

}  // namespace quittance::sync
