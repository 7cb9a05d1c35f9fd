// The page store: the clinic database as 4 KiB chunks in the Origin Private File System (or
// IndexedDB where a browser has none), of which a commit writes only those it changed (noted by
// the SQLite VFS shim, platform/pages/page_vfs.h), so that saving a payment costs the same in a
// new clinic and after ten years. library_storage.js holds the two stores; docs/storage.md says
// how each keeps a group of commits all or none.
//
// The file itself lives in the page's memory file system, loaded whole at start-up, so SQLite
// never waits for the store and no frame waits for durability. After each commit, flush()
// copies the changed chunks out at once and hands them to the store in one write; commits made
// while one is running are grouped into the next one. The store thus always holds the file as
// it was after some commit: a browser killed at any moment reopens on the last one stored, and
// « Enregistré » is shown only once the commit shown is stored.
//
// Small files beside the database (the device's link) stay on IDBFS, in `files_dir`. An IDBFS
// database left by an older version (`legacy_path`) is moved in on first start: stored whole
// here first, removed from IDBFS after.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "platform/pages/page_vfs.h"
#include "platform/storage.h"
#include "platform/web/idbfs_storage.h"

namespace quittance::web {

class PageStorage final : public platform::Storage {
 public:
  struct Options {
    std::string database_path;  // in the memory file system (MEMFS), e.g. /pages/quittance.db
    std::string idb_name;       // the IndexedDB database holding the chunks
    std::string files_dir;      // the IDBFS folder of the small files beside it ("" for none)
    std::string legacy_path;    // an older version's IDBFS database, moved in on first start ("" for none)
    bool indexeddb_only = false;  // IndexedDB even where OPFS is (the benchmark's side by side)
  };
  explicit PageStorage(Options options);
  void load(std::function<void(const std::string&)> done) override;
  std::string database_path() const override { return options_.database_path; }
  void flush() override;
  void flush_files() override;
  void replaced() override;
  platform::SaveState save_state() const override;
  std::string last_error() const override;
  void on_change(std::function<void()> listener) override;

  // Answers of library_storage.js, through the exported quittance_pages_* functions.
  // `found`: 0 the stored file (or none, a new clinic), 1 an older version's moved in, 2 lost,
  // 3 moved from IndexedDB to OPFS (library_storage.js, qt_pages_load).
  void pages_loaded(const std::string& error, int found);
  // After a loss: forgets that this browser held books and reloads the page, which starts on
  // empty books. `mode` "server" keeps the device's link to the server, the file `link_path`
  // (its books come back from there: the caller has set its events cursor back to 0);
  // "backup" and "empty" remove it. The link is stored first. The next page reads the mode:
  // take_start_over().
  void start_over(const std::string& mode, const std::string& link_path);
  static std::string take_start_over();  // "" when the page did not start over
  void pages_written(const std::string& error);
  void retry();
  // IndexedDB transactions started so far (the benchmark shows commits grouped by them).
  std::uint64_t writes_started() const { return writes_started_; }

 private:
  void load_pages();
  void start_write();
  void changed();
  void files_when_pages_durable();
  Options options_;
  std::unique_ptr<IdbfsStorage> files_;  // when files_dir is set
  std::function<void(const std::string&)> load_done_;
  std::function<void()> listener_;
  platform::pages::Changes writing_;  // the changes of the write under way
  std::uint64_t requested_ = 0;       // flushes asked for so far
  std::uint64_t in_write_ = 0;        // the request count the write under way covers
  std::uint64_t durable_ = 0;         // the request count known to be in IndexedDB
  std::uint64_t writes_started_ = 0;
  bool write_running_ = false;
  bool retry_scheduled_ = false;
  bool legacy_to_remove_ = false;     // the moved database, removed from IDBFS once stored here
  bool files_waiting_ = false;        // a device-link flush waits for the page writes before it
  std::uint64_t files_after_ = 0;     // ... these ones (the request count when it was asked)
  std::string error_;                 // the last write's failure, "" after a success
};

}  // namespace quittance::web
