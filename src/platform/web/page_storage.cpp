// The page store. See page_storage.h.
#include "platform/web/page_storage.h"

#include <emscripten/emscripten.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

extern "C" {
// library_storage.js
void qt_pages_load(void* self, const char* path, const char* idb_name, const char* legacy_path, int indexeddb_only);
void qt_pages_start_over(const char* idb_name, const char* link_path, const char* mode);
char* qt_take_start_over();
void qt_pages_write(void* self, const char* path, const char* idb_name, int whole, const std::uint32_t* chunks,
                    int count, double shrunk_to);
}

namespace quittance::web {

namespace pages = platform::pages;

namespace {
constexpr int kRetryMs = 3000;  // after a failed write (quota, closing tab), try again
}  // namespace

PageStorage::PageStorage(Options options) : options_(std::move(options)) {
  if (!options_.files_dir.empty()) files_ = std::make_unique<IdbfsStorage>(options_.files_dir, "");
}

void PageStorage::load(std::function<void(const std::string&)> done) {
  load_done_ = std::move(done);
  pages::install(options_.database_path);
  if (!files_) return load_pages();
  files_->on_change([this] { changed(); });
  files_->load([this](const std::string& error) {
    if (!error.empty()) return load_done_(error);
    load_pages();
  });
}

void PageStorage::load_pages() {
  qt_pages_load(this, options_.database_path.c_str(), options_.idb_name.c_str(), options_.legacy_path.c_str(),
                options_.indexeddb_only ? 1 : 0);
}

void PageStorage::pages_loaded(const std::string& error, int found) {
  pages::take_changes();  // the loaded file is what IndexedDB holds
  if (error.empty() && found == 2) {
    if (load_done_) load_done_(platform::kBooksLost);
    return;
  }
  if (error.empty() && found == 3) {
    // Moved from IndexedDB to OPFS: stored whole there at the first flush, after which the
    // script removes the IndexedDB copy.
    std::fprintf(stderr, "quittance: moving the database from IndexedDB to the Origin Private File System\n");
    pages::mark_whole();
  } else if (error.empty() && found == 1) {
    // Stored whole at the first flush, which the app asks once it opened the file (SQLite has
    // then rolled back any journal that came with it).
    std::fprintf(stderr, "quittance: moving the database from IDBFS (%s) to the page store\n",
                 options_.legacy_path.c_str());
    legacy_to_remove_ = true;
    pages::mark_whole();
  } else if (error.empty() && !options_.legacy_path.empty() && std::ifstream(options_.legacy_path).good()) {
    // Moved in earlier, and the removal did not reach IndexedDB then: never to be moved in again.
    std::remove(options_.legacy_path.c_str());
    std::remove((options_.legacy_path + "-journal").c_str());
    flush_files();
  }
  if (load_done_) load_done_(error);
}

void PageStorage::flush() {
  ++requested_;
  if (!write_running_) start_write();
  changed();
}

// The device link records how far the server's events were applied: it must never be stored
// before the books holding those events (a kill in between would skip them for ever). So it
// waits for the page writes asked for so far.
void PageStorage::flush_files() {
  if (!files_) return;
  files_after_ = requested_;
  files_waiting_ = true;
  files_when_pages_durable();
}

void PageStorage::files_when_pages_durable() {
  if (!files_waiting_ || durable_ < files_after_) return;
  files_waiting_ = false;
  files_->flush();
}

void PageStorage::replaced() {
  pages::mark_whole();
  flush();
}

void PageStorage::start_write() {
  writing_ = pages::take_changes();
  if (writing_.empty()) {
    // Every earlier change went with a completed write (a failed one gives its changes back).
    durable_ = requested_;
    files_when_pages_durable();
    return;
  }
  write_running_ = true;
  ++writes_started_;
  in_write_ = requested_;
  qt_pages_write(this, options_.database_path.c_str(), options_.idb_name.c_str(), writing_.whole ? 1 : 0,
                 writing_.chunks.data(), static_cast<int>(writing_.chunks.size()),
                 static_cast<double>(writing_.shrunk_to));
}

void PageStorage::pages_written(const std::string& error) {
  write_running_ = false;
  if (error.empty()) {
    durable_ = in_write_;
    error_.clear();
    writing_ = {};
    if (legacy_to_remove_) {
      // Stored here: the older copy goes, so that it is never moved in again over newer work.
      legacy_to_remove_ = false;
      std::remove(options_.legacy_path.c_str());
      std::remove((options_.legacy_path + "-journal").c_str());
      flush_files();
    }
    files_when_pages_durable();
    if (durable_ < requested_) start_write();  // commits that came during the write, together
  } else {
    error_ = error;
    pages::give_back(writing_);  // written again with the next attempt
    writing_ = {};
    if (!retry_scheduled_) {
      retry_scheduled_ = true;
      // Storage objects live as long as the page.
      emscripten_async_call([](void* self) { static_cast<PageStorage*>(self)->retry(); }, this, kRetryMs);
    }
  }
  changed();
}

void PageStorage::start_over(const std::string& mode, const std::string& link_path) {
  qt_pages_start_over(options_.idb_name.c_str(), link_path.c_str(), mode.c_str());
}

std::string PageStorage::take_start_over() {
  char* mode = qt_take_start_over();
  std::string out = mode ? mode : "";
  std::free(mode);
  return out;
}

void PageStorage::retry() {
  retry_scheduled_ = false;
  if (!write_running_) start_write();
}

platform::SaveState PageStorage::save_state() const {
  if (!error_.empty()) return platform::SaveState::Failed;
  if (files_waiting_) return platform::SaveState::Saving;
  if (files_ && files_->save_state() != platform::SaveState::Saved) return files_->save_state();
  return durable_ == requested_ ? platform::SaveState::Saved : platform::SaveState::Saving;
}

std::string PageStorage::last_error() const {
  if (!error_.empty()) return error_;
  return files_ ? files_->last_error() : std::string();
}

void PageStorage::on_change(std::function<void()> listener) { listener_ = std::move(listener); }

void PageStorage::changed() {
  if (listener_) listener_();
}

}  // namespace quittance::web

extern "C" EMSCRIPTEN_KEEPALIVE void quittance_pages_loaded(void* self, const char* error, int found) {
  static_cast<quittance::web::PageStorage*>(self)->pages_loaded(error, found);
}

extern "C" EMSCRIPTEN_KEEPALIVE void quittance_pages_written(void* self, const char* error, int) {
  static_cast<quittance::web::PageStorage*>(self)->pages_written(error);
}
