// Storage on Emscripten's IDBFS: /data lives in memory and is copied to IndexedDB by
// FS.syncfs after every commit. IDBFS rewrites the whole file at every sync (its cost grows with
// the database); the page-level store of a later issue replaces it behind platform::Storage.
#pragma once
#include <cstdint>

#include "platform/storage.h"

namespace quittance::web {

class IdbfsStorage final : public platform::Storage {
 public:
  IdbfsStorage();
  ~IdbfsStorage() override;
  void load(std::function<void(const std::string&)> done) override;
  std::string database_path() const override { return "/data/quittance.db"; }
  void flush() override;
  platform::SaveState save_state() const override;
  std::string last_error() const override { return error_; }
  void on_change(std::function<void()> listener) override { listener_ = std::move(listener); }

  // Called from library_quittance.js through the exported quittance_storage_* functions.
  void loaded(const std::string& error);
  void flushed(const std::string& error);
  // Starts a sync if none is running (the retry after a failure).
  void retry();

 private:
  void start_sync();
  std::function<void(const std::string&)> load_done_;
  std::function<void()> listener_;
  std::uint64_t requested_ = 0;  // flushes asked for so far
  std::uint64_t in_sync_ = 0;    // the request count the running sync covers
  std::uint64_t durable_ = 0;    // the request count known to be in IndexedDB
  bool syncing_ = false;
  std::string error_;            // the last sync's failure, "" after a success
};

}  // namespace quittance::web
