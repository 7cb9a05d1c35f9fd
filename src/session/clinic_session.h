// One clinic's books in a running app, with no browser in it: the database opened with the
// checks of start-up (refused, never replaced, when SQLite cannot read it or a newer Quittance
// wrote it; brought up to date when older), the command layer and the link to the clinic's
// server over it, the demo's practice seeded, a backup or the server's snapshot swapped in
// between frames (the previous books put back on any failure, or after a swap cut short), and
// closed in order. The platform supplies where the file lives and how it is kept (ClinicFiles),
// HTTP and the device link (ServerAccess), and listens for changes; the browser's glue is
// platform/web/main.cpp, the tests are tests/unit/clinic_session_test.cpp.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/books_upgrade.h"
#include "app/commands.h"
#include "store/database.h"
#include "sync/backend.h"
#include "sync/demo_server.h"
#include "sync/device_link.h"
#include "sync/http.h"

namespace quittance::session {

// Where the platform keeps the books' file, and how it makes them durable.
struct ClinicFiles {
  std::string database_path;
  std::function<void()> store;     // after a committed change (platform::Storage::flush)
  std::function<void()> replaced;  // the file was replaced whole (platform::Storage::replaced)
  // The tab is the books' only user (one writer per browser): SQLite may keep its lock and a
  // larger page cache instead of looking for another's changes at every read.
  bool exclusive = false;
};

// How the books reach their clinic's server. Without `http`: no server at all (the command
// line, tests of the books alone).
struct ServerAccess {
  sync::HttpTransport* http = nullptr;
  std::function<sync::DeviceLink()> read_link;  // the device link as kept (unpaired when none)
  sync::ServerLink::SaveLink save_link;
  // Downloads the clinic's snapshot for `link` into `path`, then calls `done(ok)`.
  std::function<void(const sync::DeviceLink& link, const std::string& path, std::function<void(bool)> done)>
      download_snapshot;
  std::function<void()> cancel_requests;  // the requests still waiting are dropped (closing)
  // The demo (no backend): the server played in the page, card features simulated and said
  // so, no link written; its events numbered from `demo_first_seq()`, asked at each start: the
  // books (a restored backup among them) must never meet an earlier start's event ids.
  sync::DemoServer* demo = nullptr;
  std::function<std::int64_t()> demo_first_seq;
  std::string demo_device_name;
};

// Why the books did not open: a catalogue key ("error.database_unreadable",
// "error.database_newer") and what SQLite said.
struct OpenFailure {
  std::string key, detail;
};

enum class SnapshotOutcome {
  None,           // no snapshot was waiting
  Installed,      // the books are the clinic's, up to the snapshot's place in the log
  KeptLocalWork,  // work was done here during the download: kept, the log pulled instead
  Refused,        // the file failed the checks: the previous books stay, the log is pulled
};

class ClinicSession {
 public:
  ClinicSession(ClinicFiles files, ServerAccess server);
  ~ClinicSession();
  ClinicSession(const ClinicSession&) = delete;
  ClinicSession& operator=(const ClinicSession&) = delete;

  // Opens the books (undoing first a swap cut short), then starts them: the command layer,
  // acting as an owner until someone signs in, and the server link. nullopt when open.
  std::optional<OpenFailure> open();
  // The server link first (its waiting requests dropped while what they call back exists),
  // then the command layer, then the database.
  void close();
  bool is_open() const { return commands_ != nullptr; }
  store::Database* db() { return db_ ? &*db_ : nullptr; }
  app::CommandLayer* commands() { return commands_.get(); }
  sync::Backend* backend() { return backend_.get(); }

  // Called after each commit here and after an exchange that changed the books: screens
  // reload, the file is stored once for the whole change.
  void on_books_changed(std::function<void()> listener) { books_changed_ = std::move(listener); }
  // Called each time the books are started (at open, and after a swap): a new command layer
  // and server link, the interface's state about them to reset.
  void on_started(std::function<void()> listener) { started_ = std::move(listener); }

  // Swaps the file `incoming` in as the books, with the checks of open(): "" or the catalogue
  // key of the refusal, the previous books then open again (if even they cannot, the session
  // stays closed and failure() says why). Call it between frames: it replaces the command
  // layer and the server link.
  std::string swap_in(const std::string& incoming);
  // A backup's bytes in place of the books: the owner's decision only, checked, then swapped.
  std::string restore_backup(std::vector<std::uint8_t> bytes);
  // The same for bytes an app::BackupCheckJob passed and handed over unchanged (take_bytes):
  // not checked a second time, which takes seconds for a large practice.
  std::string restore_checked_backup(std::vector<std::uint8_t> bytes);
  // Installs the snapshot downloaded for the server link, if one waits (between frames).
  SnapshotOutcome install_snapshot();
  // The log position of the snapshot installed, 0 when none was.
  std::int64_t restored_from_snapshot() const { return restored_from_snapshot_; }
  // Why the books last failed to open (nullopt while they open).
  const std::optional<OpenFailure>& failure() const { return failure_; }

 private:
  std::string owner_refusal();
  std::optional<OpenFailure> open_database(bool store_now);
  void recover_cut_swap();
  void start();
  void start_backend();
  std::string previous_path() const { return files_.database_path + ".before-restore"; }
  std::string snapshot_path() const { return files_.database_path + ".snapshot"; }

  ClinicFiles files_;
  ServerAccess server_;
  std::optional<store::Database> db_;
  std::unique_ptr<app::CommandLayer> commands_;
  std::unique_ptr<sync::Backend> backend_;
  std::function<void()> books_changed_, started_;
  std::optional<OpenFailure> failure_;
  // The upgrade the last opening made, journaled once the command layer runs (books_upgrade.h).
  std::optional<app::BooksUpgrade> upgrade_;
  bool snapshot_waiting_ = false;
  std::int64_t restored_from_snapshot_ = 0;
};

}  // namespace quittance::session
