// IDBFS-backed storage. See idbfs_storage.h.
#include "platform/web/idbfs_storage.h"

#include <emscripten/emscripten.h>

extern "C" {
// library_storage.js
void qt_idbfs_load(void* self, const char* folder);
void qt_idbfs_flush(void* self);
}

namespace quittance::web {

namespace {
constexpr int kRetryMs = 3000;  // after a failed sync (quota, closing tab), try again
}  // namespace

IdbfsStorage::IdbfsStorage(std::string folder, std::string database_name)
    : folder_(std::move(folder)), database_name_(std::move(database_name)) {}

void IdbfsStorage::load(std::function<void(const std::string&)> done) {
  load_done_ = std::move(done);
  qt_idbfs_load(this, folder_.c_str());
}

void IdbfsStorage::loaded(const std::string& error) {
  if (load_done_) load_done_(error);
}

void IdbfsStorage::flush() {
  ++requested_;
  if (!syncing_) start_sync();
  if (listener_) listener_();
}

void IdbfsStorage::start_sync() {
  syncing_ = true;
  in_sync_ = requested_;
  qt_idbfs_flush(this);
}

void IdbfsStorage::flushed(const std::string& error) {
  syncing_ = false;
  if (error.empty()) {
    durable_ = in_sync_;
    error_.clear();
    if (durable_ < requested_) start_sync();  // changes that came during the sync
  } else {
    error_ = error;
    // Storage objects live as long as the page.
    emscripten_async_call([](void* self) {
      auto* storage = static_cast<IdbfsStorage*>(self);
      if (!storage->syncing_) storage->start_sync();
    }, this, kRetryMs);
  }
  if (listener_) listener_();
}

platform::SaveState IdbfsStorage::save_state() const {
  if (!error_.empty()) return platform::SaveState::Failed;
  return durable_ == requested_ ? platform::SaveState::Saved : platform::SaveState::Saving;
}

}  // namespace quittance::web

extern "C" EMSCRIPTEN_KEEPALIVE void quittance_idbfs_loaded(void* self, const char* error, int) {
  static_cast<quittance::web::IdbfsStorage*>(self)->loaded(error);
}

extern "C" EMSCRIPTEN_KEEPALIVE void quittance_idbfs_flushed(void* self, const char* error, int) {
  static_cast<quittance::web::IdbfsStorage*>(self)->flushed(error);
}
