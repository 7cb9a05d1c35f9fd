// The clinic's books as the server's log makes them (docs/sync.md, « Restore »): one clinic
// database per clinic (DIR/<clinic>.db), brought up to the log's head by applying its operations
// exactly as a device does (sync::Replica). A new device downloads it (GET /api/sync/snapshot)
// and pulls only what follows, instead of replaying years of operations.
// Each clinic has its own lock: a large clinic's catching up or copying never holds up another
// clinic's. A snapshot is a file made once per log position (VACUUM INTO) and sent from disk,
// never held in memory whole; while the log stands still, every restore sends the same file.
// The copies are a cache of the log: a server process keeps its own (with PostgreSQL, each
// process its own folder), and a lost folder is rebuilt from the log. At most kOpenBooks are
// open at once, the least used closed first: a server of thousands of clinics, whose mail
// thread reads every one of them, would otherwise hold a page cache per clinic.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "app/commands.h"
#include "server/store/server_db.h"
#include "store/database.h"

namespace quittance::server {

struct Snapshot {
  std::int64_t seq = 0;        // the last operation applied in it
  std::shared_ptr<std::FILE> file;  // open for reading: the clinic's books at `seq`, never written again
  std::int64_t size = 0;       // bytes
};

class SnapshotStore {
 public:
  // `dir` "" keeps the copies in a temporary folder removed with the store (tests).
  explicit SnapshotStore(std::string dir);
  ~SnapshotStore();
  // Brings the clinic's copy up to its log's head and returns a file of it. Throws
  // store::StoreError. One caller per clinic at a time: a second waits, then finds the file made.
  Snapshot take(SharedDatabase& server, const std::string& clinic_id);

  // Brings the clinic's copy up to its log's head and runs body(store::Database&,
  // app::CommandLayer&) on it, under the clinic's lock (the mail scheduler reads invoices there).
  // The body must not write: the copy is the log's, nothing else's.
  template <class Body>
  auto read(SharedDatabase& server, const std::string& clinic_id, Body&& body) {
    Books& books = books_of(clinic_id);
    CloseLeastUsed after{*this};  // declared first, so run last: once the clinic's lock is let go
    std::lock_guard<std::mutex> lock(books.mutex);
    store::Database& db = open(clinic_id, books);
    app::CommandLayer commands(db);  // dated in the practice's time zone
    catch_up(server, clinic_id, db, commands);
    commands.act_as_an_owner();  // its queries read everything, whoever the clinic archived
    return body(db, commands);
  }

 private:
  static constexpr std::size_t kOpenBooks = 64;
  struct Books {
    std::mutex mutex;                     // held while the copy is read, caught up or copied
    std::unique_ptr<store::Database> db;  // open when needed, closed when least used
    std::atomic<bool> is_open{false};     // db != null, readable without the mutex
    std::atomic<std::uint64_t> used{0};   // when last opened or read, on uses_'s count
    Snapshot latest;  // the last file made (at snapshot_path), with its seq; none yet: no file
  };
  struct CloseLeastUsed {
    SnapshotStore& store;
    ~CloseLeastUsed() { store.close_least_used(); }
  };
  // Closes the least used copies beyond kOpenBooks, skipping any in use.
  void close_least_used() noexcept;
  Books& books_of(const std::string& clinic_id);
  // The file of the clinic's books at `seq`.
  std::filesystem::path snapshot_path(const std::string& clinic_id, std::int64_t seq) const;
  store::Database& open(const std::string& clinic_id, Books& books);
  // Applies the log's operations after the copy's cursor; returns the cursor reached.
  std::int64_t catch_up(SharedDatabase& server, const std::string& clinic_id, store::Database& db,
                        app::CommandLayer& commands);
  std::string dir_;
  bool temporary_ = false;
  std::atomic<std::uint64_t> uses_{0};
  std::mutex mutex_;  // guards books_ (the map, not the clinics)
  std::map<std::string, std::unique_ptr<Books>> books_;
};

}  // namespace quittance::server
