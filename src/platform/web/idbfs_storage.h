// Storage on Emscripten's IDBFS: a folder lives in memory and is copied to IndexedDB by
// FS.syncfs after every change. IDBFS rewrites every changed file whole at each sync (its cost
// grows with the file), so it keeps only the small files beside the clinic database (the
// device's link to its server); the database itself is in the page store (page_storage.h).
// Older versions kept the database here too: the page store moves it on first start, and the
// storage benchmark measures it against the page store.
#pragma once
#include <cstdint>
#include <string>

#include "platform/storage.h"

namespace quittance::web {

class IdbfsStorage final : public platform::Storage {
 public:
  // `folder`, mounted on IDBFS; `database_name`, the file in it that database_path() names.
  IdbfsStorage(std::string folder, std::string database_name);
  void load(std::function<void(const std::string&)> done) override;
  std::string database_path() const override { return folder_ + "/" + database_name_; }
  void flush() override;
  void flush_files() override { flush(); }
  void replaced() override { flush(); }
  platform::SaveState save_state() const override;
  std::string last_error() const override { return error_; }
  void on_change(std::function<void()> listener) override { listener_ = std::move(listener); }

  // Answers of library_storage.js, through the exported quittance_idbfs_* functions.
  void loaded(const std::string& error);
  void flushed(const std::string& error);

 private:
  void start_sync();
  std::string folder_;
  std::string database_name_;
  std::function<void(const std::string&)> load_done_;
  std::function<void()> listener_;
  std::uint64_t requested_ = 0;  // flushes asked for so far
  std::uint64_t in_sync_ = 0;    // the request count the running sync covers
  std::uint64_t durable_ = 0;    // the request count known to be in IndexedDB
  bool syncing_ = false;
  std::string error_;            // the last sync's failure, "" after a success
};

}  // namespace quittance::web
