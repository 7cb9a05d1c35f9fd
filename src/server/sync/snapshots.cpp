// The clinic's books kept up to date on the server. See sync/snapshots.h.
#include "server/sync/snapshots.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>

#include "app/commands.h"
#include "server/sync/op_log.h"
#include "store/migrations.h"
#include "sync/replica.h"

namespace quittance::server {

namespace fs = std::filesystem;

namespace {

constexpr int kApplyPage = 1000;  // operations applied per transaction

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// A device opens the file as a lone database: in rollback-journal mode (header bytes 18 and
// 19 at 1), whatever mode the copy it was made from runs in.
void write_rollback_mode(const fs::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "r+b");
  if (!f) throw store::StoreError(SQLITE_CANTOPEN, "cannot open " + path.string());
  unsigned char mode[2] = {0, 0};
  const bool wal = std::fseek(f, 18, SEEK_SET) == 0 && std::fread(mode, 1, 2, f) == 2 && (mode[0] == 2 || mode[1] == 2);
  const unsigned char rollback[2] = {1, 1};
  const bool ok = !wal || (std::fseek(f, 18, SEEK_SET) == 0 && std::fwrite(rollback, 1, 2, f) == 2);
  if (std::fclose(f) != 0 || !ok) throw store::StoreError(SQLITE_IOERR, "cannot write " + path.string());
}

}  // namespace

SnapshotStore::SnapshotStore(std::string dir) : dir_(std::move(dir)) {
  if (dir_.empty()) {
    static std::atomic<int> counter{0};
    dir_ = (fs::temp_directory_path() /
            ("quittance-books-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
               .string();
    temporary_ = true;
  }
  // Files of an earlier run are a cache nothing refers to any more.
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (ends_with(name, ".snapshot") || ends_with(name, ".making")) fs::remove(entry.path(), ec);
  }
}

SnapshotStore::~SnapshotStore() {
  books_.clear();  // closes the databases before their folder goes
  if (temporary_) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

SnapshotStore::Books& SnapshotStore::books_of(const std::string& clinic_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::unique_ptr<Books>& books = books_[clinic_id];
  if (!books) books = std::make_unique<Books>();
  return *books;  // never erased while the store lives: the reference stays good
}

store::Database& SnapshotStore::open(const std::string& clinic_id, Books& books) {
  books.used = ++uses_;
  if (books.db) return *books.db;
  fs::create_directories(dir_);
  const std::string path = (fs::path(dir_) / (clinic_id + ".db")).string();  // clinic ids are UUIDs
  auto db = std::make_unique<store::Database>(store::Database::open(path));
  store::migrate(*db, store::clinic_migrations());
  // The restored device's cursor counts in this clinic's log (sync::Replica::join keeps it).
  sync::set_sync_state(*db, "clinic", clinic_id);
  books.db = std::move(db);
  books.is_open = true;
  return *books.db;
}

void SnapshotStore::close_least_used() noexcept {
  std::vector<Books*> open;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, books] : books_)
      if (books->is_open) open.push_back(books.get());
  }
  if (open.size() <= kOpenBooks) return;
  std::sort(open.begin(), open.end(), [](const Books* a, const Books* b) { return a->used < b->used; });
  for (std::size_t i = 0; i < open.size() - kOpenBooks; ++i) {
    std::unique_lock<std::mutex> lock(open[i]->mutex, std::try_to_lock);
    if (!lock.owns_lock()) continue;  // in use: closed another time
    open[i]->db.reset();
    open[i]->is_open = false;
  }
}

std::int64_t SnapshotStore::catch_up(SharedDatabase& server, const std::string& clinic_id, store::Database& db,
                                    app::CommandLayer& commands) {
  sync::Replica replica(db, commands);
  for (;;) {
    const std::int64_t cursor = replica.cursor();
    PullPage page = server.with([&](Sql& d) { return pull_ops(d, clinic_id, cursor, kApplyPage); });
    std::vector<app::Op> ops;
    for (const auto& j : page.ops) {
      app::Op op;
      std::string field;
      if (!sync::op_from_json(j, &op, &field)) break;  // checked when pushed: never here
      ops.push_back(std::move(op));
    }
    const sync::PullOutcome applied = replica.apply_pulled(std::move(ops));
    // Caught up; or stopped before an operation a newer Quittance made (the snapshot stays
    // before it, and the device pulls it and says it needs the update).
    if (replica.cursor() >= page.head || !applied.blocked.empty() || replica.cursor() == cursor) break;
  }
  return replica.cursor();
}

std::filesystem::path SnapshotStore::snapshot_path(const std::string& clinic_id, std::int64_t seq) const {
  return fs::path(dir_) / (clinic_id + "." + std::to_string(seq) + ".snapshot");
}

Snapshot SnapshotStore::take(SharedDatabase& server, const std::string& clinic_id) {
  Books& books = books_of(clinic_id);
  CloseLeastUsed after{*this};
  std::lock_guard<std::mutex> lock(books.mutex);
  store::Database& db = open(clinic_id, books);
  // No origin: the server makes no operation of its own, it only applies the log's.
  app::CommandLayer commands(db);
  const std::int64_t cursor = catch_up(server, clinic_id, db, commands);
  if (books.latest.file && books.latest.seq == cursor) return books.latest;

  // Made under another name and renamed: a file with the final name is always whole.
  const fs::path made = snapshot_path(clinic_id, cursor);
  const fs::path work = fs::path(made).concat(".making");
  std::error_code ec;
  fs::remove(work, ec);
  try {
    db.prepare("VACUUM INTO ?").bind(1, work.string()).step();  // a compact, consistent copy
    write_rollback_mode(work);
    fs::rename(work, made);
  } catch (...) {
    fs::remove(work, ec);
    throw;
  }
  std::shared_ptr<std::FILE> file(std::fopen(made.c_str(), "rb"), [](std::FILE* f) {
    if (f) std::fclose(f);
  });
  if (!file) throw store::StoreError(SQLITE_CANTOPEN, "cannot open the snapshot " + made.string());
  // The previous file goes; a download still sending it holds it open, and reads it to the end.
  if (books.latest.file) fs::remove(snapshot_path(clinic_id, books.latest.seq), ec);
  books.latest = Snapshot{cursor, file, static_cast<std::int64_t>(fs::file_size(made))};
  return books.latest;
}

}  // namespace quittance::server
