// One clinic's books in a running app. See clinic_session.h.
#include "session/clinic_session.h"

#include <cstdio>
#include <fstream>

#include "app/backup_check.h"
#include "app/command_id.h"
#include "store/backup.h"
#include "store/migrations.h"
#include "sync/replica.h"

namespace quittance::session {

namespace {

bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

// In one write: in the page, MEMFS grows a file by an eighth at each write past its end, so a
// stream's 4 KB writes of a 450 MB file reallocated it about a hundred times (some 8 copies).
bool write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (!out) return false;
  std::setvbuf(out, nullptr, _IONBF, 0);
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size();
  return std::fclose(out) == 0 && written;
}

}  // namespace

ClinicSession::ClinicSession(ClinicFiles files, ServerAccess server)
    : files_(std::move(files)), server_(std::move(server)) {}

ClinicSession::~ClinicSession() { close(); }

// [SECTION] Open and close --------------------------------------------------------------------

std::optional<OpenFailure> ClinicSession::open() {
  recover_cut_swap();
  // A snapshot download the app was closed during: never installed, never to be.
  std::remove(snapshot_path().c_str());
  failure_ = open_database(/*store_now=*/true);
  if (failure_) return failure_;
  start();
  return std::nullopt;
}

// A swap cut short (the app closed between putting the books aside and opening the new ones)
// leaves the previous books beside the path: they are the books until a swap has finished.
void ClinicSession::recover_cut_swap() {
  const std::string previous = previous_path();
  if (!file_exists(previous)) return;
  std::remove(files_.database_path.c_str());
  for (const char* suffix : {"-journal", "-wal", "-shm"}) std::remove((files_.database_path + suffix).c_str());
  std::rename(previous.c_str(), files_.database_path.c_str());
}

std::optional<OpenFailure> ClinicSession::open_database(bool store_now) {
  try {
    db_.emplace(store::Database::open(files_.database_path));
    if (files_.exclusive) {
      // In normal locking mode each query's read transaction stats the file and looks for a
      // hot journal: in the page, JavaScript calls into MEMFS that cost a search keystroke
      // about as much as its query. A larger cache keeps the indexes a search walks in memory.
      db_->exec("PRAGMA locking_mode = EXCLUSIVE");
      db_->exec("PRAGMA cache_size = -32768");  // KiB
    }
    const std::string check = db_->quick_check();
    if (check != "ok") {
      db_.reset();
      return OpenFailure{"error.database_unreadable", check};
    }
    const int newest = store::clinic_migrations().back().version;
    const int version = store::schema_version(*db_);
    if (version > newest) {
      db_.reset();
      return OpenFailure{"error.database_newer", "schema " + std::to_string(version)};
    }
    store::migrate(*db_, store::clinic_migrations());
    upgrade_ = app::books_upgrade(*db_, version);
    // A new, upgraded or moved-in file is stored now (the storage writes nothing when nothing
    // changed). Not a swapped-in one: its caller stores it whole, never a part of it.
    if (store_now && files_.store) files_.store();
  } catch (const store::StoreError& e) {
    db_.reset();
    return OpenFailure{"error.database_unreadable", e.what()};
  }
  return std::nullopt;
}

void ClinicSession::start() {
  commands_ = std::make_unique<app::CommandLayer>(*db_);
  // A new command layer runs as the owner until someone signs in: after a restore the books
  // have their own users, so whoever works picks themselves again (or, alone, goes on unasked).
  commands_->act_as_an_owner();  // the built-in owner may have been archived
  commands_->on_commit([this] {
    if (books_changed_) books_changed_();
    if (backend_) backend_->log().local_change();  // sent within a second when online
  });
  start_backend();
  // Said once the device's origin is set, so that sync sends it like any other operation.
  if (upgrade_) app::journal_books_upgrade(*commands_, *upgrade_);
  upgrade_.reset();
  if (started_) started_();
}

void ClinicSession::start_backend() {
  if (server_.demo) {
    backend_ = std::make_unique<sync::Backend>(*server_.demo, *commands_, [](const sync::DeviceLink&) {});
    backend_->server().set_simulated(true);
    const std::int64_t first_seq = server_.demo_first_seq ? server_.demo_first_seq() : 1;
    server_.demo->restart_at(first_seq);
    sync::DeviceLink demo;
    demo.events_after = first_seq - 1;
    demo.token = "demo";
    demo.clinic_id = "demo";
    demo.device_name = server_.demo_device_name;
    backend_->start(demo);
    // The demo opens on a practice with a year of history, loaded once (refused on books that
    // already hold something: a visitor's own trials are kept).
    const app::Json patients = commands_->query({{"cmd", "patient.list"}, {"limit", 1}});
    if (patients.value("ok", false) && patients["result"].value("total", std::int64_t{-1}) == 0) {
      commands_->exec({{"cmd", "demo.load"}, {"id", app::new_command_id()}, {"size", "small"}});
    }
    return;
  }
  if (!server_.http) return;
  backend_ = std::make_unique<sync::Backend>(*server_.http, *commands_, server_.save_link, &*db_);
  // Operations of other devices were applied (or ours accepted): screens reload, and the batch
  // is stored once, not once per operation.
  backend_->log().on_synced([this] {
    if (books_changed_) books_changed_();
  });
  if (server_.download_snapshot) {
    backend_->log().set_snapshot_installer([this](const sync::DeviceLink& link, std::function<bool(bool)> finished) {
      const std::string path = snapshot_path();
      server_.download_snapshot(link, path, [this, path, finished](bool ok) {
        // The backend says whether it still wants it (same link, still restoring).
        if (finished(ok)) {
          snapshot_waiting_ = true;
        } else {
          std::remove(path.c_str());
        }
      });
    });
  }
  backend_->start(server_.read_link ? server_.read_link() : sync::DeviceLink{});
}

void ClinicSession::close() {
  if (server_.cancel_requests) server_.cancel_requests();
  backend_.reset();
  commands_.reset();
  db_.reset();
}

// [SECTION] Swaps: a backup, the server's snapshot --------------------------------------------

std::string ClinicSession::swap_in(const std::string& incoming) {
  const std::string& path = files_.database_path;
  const std::string previous = previous_path();
  close();
  // A cleanly closed database leaves no journal; one found there belongs to the old file.
  for (const char* suffix : {"-journal", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  std::remove(previous.c_str());
  const bool moved = std::rename(path.c_str(), previous.c_str()) == 0;
  if (moved && std::rename(incoming.c_str(), path.c_str()) == 0 && !(failure_ = open_database(/*store_now=*/false))) {
    std::remove(previous.c_str());
    // Whole, before anything is committed on it (the demo loads its practice at start).
    if (files_.replaced) files_.replaced();
    start();
    return "";
  }
  std::fprintf(stderr, "quittance: the books were not replaced; the previous ones are kept\n");
  db_.reset();
  if (moved || file_exists(previous)) {
    std::remove(path.c_str());
    std::rename(previous.c_str(), path.c_str());
  }
  std::remove(incoming.c_str());
  failure_ = open_database(/*store_now=*/false);
  if (failure_) return "exports.restore.failed";  // closed: the caller says the books cannot be opened
  if (files_.replaced) files_.replaced();  // the same books, but moved twice behind SQLite's back
  start();
  return "exports.restore.failed";
}

// The owner's decision only: whoever works now must hold that role. "" when they do.
std::string ClinicSession::owner_refusal() {
  if (!commands_) return "exports.restore.failed";
  const app::Json info = commands_->query({{"cmd", "app.info"}});
  if (!info.value("ok", false) || info["result"].value("role", "") != "owner") return "exports.restore.owner_only";
  return "";
}

std::string ClinicSession::restore_backup(std::vector<std::uint8_t> bytes) {
  if (std::string refusal = owner_refusal(); !refusal.empty()) return refusal;
  try {
    const store::BackupCheck check = app::check_backup(bytes.data(), bytes.size());
    if (!check.ok()) return std::string("exports.restore.refused.") + store::to_string(check.status);
  } catch (const store::StoreError& e) {
    std::fprintf(stderr, "quittance: restore: %s\n", e.what());
    return "exports.restore.failed";
  }
  return restore_checked_backup(std::move(bytes));
}

std::string ClinicSession::restore_checked_backup(std::vector<std::uint8_t> bytes) {
  if (std::string refusal = owner_refusal(); !refusal.empty()) return refusal;
  if (bytes.size() < 100) return "exports.restore.refused.not_sqlite";
  // A file saved in WAL mode comes without its -wal file: open it in rollback mode, as the
  // check read it (checked, so at least 100 bytes).
  for (std::size_t at : {18, 19}) {
    if (bytes[at] == 2) bytes[at] = 1;
  }
  const std::string incoming = files_.database_path + ".restoring";
  const bool written = write_file(incoming, bytes);
  std::vector<std::uint8_t>().swap(bytes);  // in the file now: not held through the swap's checks
  if (!written) {
    std::remove(incoming.c_str());
    return "exports.restore.failed";
  }
  return swap_in(incoming);
}

SnapshotOutcome ClinicSession::install_snapshot() {
  if (!snapshot_waiting_) return SnapshotOutcome::None;
  snapshot_waiting_ = false;
  const std::string incoming = snapshot_path();
  if (!db_ || !commands_ || !backend_) {
    std::remove(incoming.c_str());
    return SnapshotOutcome::None;
  }
  // Work done here during the download (a patient, a setting) would be lost by the swap: keep
  // it, and pull the log on top of it instead.
  bool untouched = false;
  try {
    sync::Replica here(*db_, *commands_);
    untouched = !here.has_books() && here.pending_count() == 0;
  } catch (const store::StoreError&) {
  }
  if (!untouched) {
    std::remove(incoming.c_str());
    backend_->log().snapshot_not_installed();
    return SnapshotOutcome::KeptLocalWork;
  }
  if (!swap_in(incoming).empty()) {
    if (backend_) backend_->log().sync_now();  // the log from the start instead
    return SnapshotOutcome::Refused;
  }
  restored_from_snapshot_ = std::max<std::int64_t>(1, sync::Replica(*db_, *commands_).cursor());
  return SnapshotOutcome::Installed;
}

}  // namespace quittance::session
