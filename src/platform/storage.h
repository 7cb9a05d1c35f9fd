// Where the clinic database lives between sessions, behind one interface: in the browser, the
// page store (web/page_storage.h: IndexedDB, only the pages a commit changed), or Emscripten's
// IDBFS (web/idbfs_storage.h: the whole file, kept for older data and the benchmark).
// The app never opens the database before load() succeeded, and tells the storage after every
// committed transaction so that the change is made durable.
#pragma once
#include <functional>
#include <string>

namespace quittance::platform {

enum class SaveState {
  Saved,   // everything committed is durable
  Saving,  // a commit is not durable yet
  Failed,  // the last attempt to make it durable failed (see last_error); data is still in memory
};

// The load() error of a storage that held the clinic's books before and finds none: the
// browser deleted them (Chromium does after finding its IndexedDB damaged, e.g. after a crash).
// The app must not create empty books over that silently.
constexpr const char* kBooksLost = "books_lost";

class Storage {
 public:
  virtual ~Storage() = default;
  // Brings the database file into place; `done` gets "" on success or a reason. On failure the
  // app must not open (and so never create) a database over what may still be there.
  virtual void load(std::function<void(const std::string& error)> done) = 0;
  // The path SQLite opens once load() succeeded.
  virtual std::string database_path() const = 0;
  // Called after each committed transaction.
  virtual void flush() = 0;
  // Called when a small file kept beside the database (the device's link to its server) changed.
  virtual void flush_files() = 0;
  // Called when the database file was replaced without SQLite (a restore): it is stored whole.
  virtual void replaced() = 0;
  virtual SaveState save_state() const = 0;
  virtual std::string last_error() const = 0;
  // Called whenever save_state() changes, so the status bar can be redrawn.
  virtual void on_change(std::function<void()> listener) = 0;
};

}  // namespace quittance::platform
