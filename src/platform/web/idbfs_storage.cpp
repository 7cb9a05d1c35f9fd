// IDBFS-backed storage. See idbfs_storage.h.
#include "platform/web/idbfs_storage.h"

#include <emscripten/emscripten.h>

extern "C" {
// library_quittance.js
void qt_idbfs_load(const char* mount_path);
void qt_idbfs_flush();
}

namespace quittance::web {

namespace {
IdbfsStorage* g_instance = nullptr;  // the JS callbacks have no user data: one storage per page
constexpr int kRetryMs = 3000;       // after a failed sync (quota, closing tab), try again
}  // namespace

IdbfsStorage::IdbfsStorage() { g_instance = this; }
IdbfsStorage::~IdbfsStorage() { g_instance = nullptr; }

void IdbfsStorage::load(std::function<void(const std::string&)> done) {
  load_done_ = std::move(done);
  qt_idbfs_load("/data");
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
  qt_idbfs_flush();
}

void IdbfsStorage::flushed(const std::string& error) {
  syncing_ = false;
  if (error.empty()) {
    durable_ = in_sync_;
    error_.clear();
    if (durable_ < requested_) start_sync();  // commits that came during the sync
  } else {
    error_ = error;
    emscripten_async_call([](void*) { if (g_instance) g_instance->retry(); }, nullptr, kRetryMs);
  }
  if (listener_) listener_();
}

void IdbfsStorage::retry() {
  if (!syncing_) start_sync();
}

platform::SaveState IdbfsStorage::save_state() const {
  if (!error_.empty()) return platform::SaveState::Failed;
  return durable_ == requested_ ? platform::SaveState::Saved : platform::SaveState::Saving;
}

}  // namespace quittance::web

extern "C" EMSCRIPTEN_KEEPALIVE void quittance_storage_loaded(const char* error) {
  if (quittance::web::g_instance) quittance::web::g_instance->loaded(error);
}

extern "C" EMSCRIPTEN_KEEPALIVE void quittance_storage_flushed(const char* error) {
  if (quittance::web::g_instance) quittance::web::g_instance->flushed(error);
}
