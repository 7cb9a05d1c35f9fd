// Where the clinic database lives between sessions, behind one interface: Emscripten's IDBFS
// today (web/idbfs_storage.cpp), a page-level IndexedDB store later, a plain file natively.
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
  virtual SaveState save_state() const = 0;
  virtual std::string last_error() const = 0;
  // Called whenever save_state() changes, so the status bar can be redrawn.
  virtual void on_change(std::function<void()> listener) = 0;
};

}  // namespace quittance::platform
