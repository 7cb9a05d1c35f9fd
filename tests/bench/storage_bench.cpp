// The storage benchmark's wasm half (tests/bench/storage_bench.mjs drives it in headless
// Chromium): a database of a given size on two storages of the browser app — 0: IDBFS, 1: the
// page store, in OPFS or in IndexedDB as bench_init is asked (one page store per page: the VFS
// shim watches one file) — through the same platform::Storage interface the app uses, and
// one-row commits whose time to durable the driver measures. Nothing of the app's interface is
// linked.
#include <emscripten/emscripten.h>

#include <memory>
#include <optional>
#include <string>

#include "platform/web/idbfs_storage.h"
#include "platform/web/page_storage.h"
#include "store/database.h"

namespace {

using quittance::platform::SaveState;
using quittance::platform::Storage;
using quittance::store::Database;

struct Bench {
  std::unique_ptr<quittance::web::IdbfsStorage> idbfs;
  std::unique_ptr<quittance::web::PageStorage> pages;
  std::optional<Database> db[2];  // each storage's database, open
  int loaded = 0;     // storages loaded
  std::string error;  // the first load failure
  long long rows = 0;
};
Bench g;

Storage& storage(int which) {
  if (which == 0) return *g.idbfs;
  return *g.pages;
}

void tell_saved(int which) {
  if (storage(which).save_state() == SaveState::Saved) {
    EM_ASM({ if (Module.onSaved) Module.onSaved($0); }, which);
  }
}

}  // namespace

extern "C" {

// Loads the storages, the page store in IndexedDB if `indexeddb` (else in OPFS); bench_loaded()
// is 2 once both answered (bench_error() says if one failed).
EMSCRIPTEN_KEEPALIVE void bench_init(int indexeddb) {
  g.idbfs = std::make_unique<quittance::web::IdbfsStorage>("/idbfs", "bench.db");
  quittance::web::PageStorage::Options options;
  options.database_path = "/pages/bench.db";
  options.idb_name = "quittance-bench-pages";
  options.indexeddb_only = indexeddb != 0;
  if (options.indexeddb_only) options.idb_name = "quittance-bench-idb-pages";  // not the OPFS run's note
  g.pages = std::make_unique<quittance::web::PageStorage>(options);
  for (int which : {0, 1}) {
    storage(which).on_change([which] { tell_saved(which); });
    storage(which).load([](const std::string& error) {
      if (!error.empty() && g.error.empty()) g.error = error;
      ++g.loaded;
    });
  }
}
EMSCRIPTEN_KEEPALIVE int bench_loaded() { return g.loaded; }
EMSCRIPTEN_KEEPALIVE const char* bench_error() { return g.error.c_str(); }

// Makes the database of storage `which` `megabytes` big (random blobs, one transaction) and
// asks for it to be stored; Module.onSaved(which) is called once it is durable.
EMSCRIPTEN_KEEPALIVE void bench_fill(int which, int megabytes) {
  std::optional<Database>& db = g.db[which];
  db.reset();
  const std::string path = storage(which).database_path();
  std::remove(path.c_str());
  db.emplace(Database::open(path));
  db->exec("CREATE TABLE filler(id INTEGER PRIMARY KEY, body BLOB)");
  db->exec("CREATE TABLE commits(id INTEGER PRIMARY KEY, at TEXT)");
  db->exec("BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
             std::to_string(megabytes * 256) + ") INSERT INTO filler(body) SELECT randomblob(3900) FROM n; COMMIT");
  storage(which).replaced();
}

// The size in bytes of storage `which`'s database file.
EMSCRIPTEN_KEEPALIVE double bench_file_size(int which) {
  auto st = g.db[which]->prepare("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
  st.step();
  return static_cast<double>(st.column_int64(0));
}

// One row committed on storage `which`'s database, then the storage told. Returns when the
// commit returned (performance.now()'s clock): durability is timed from there. The time the
// whole call took (what a frame would wait) goes to bench_last_call_ms().
double g_last_call_ms = 0;
EMSCRIPTEN_KEEPALIVE double bench_commit(int which) {
  const double start = emscripten_get_now();
  g.db[which]->exec("INSERT INTO commits(at) VALUES ('" + std::to_string(++g.rows) + "')");
  const double committed = emscripten_get_now();
  storage(which).flush();
  g_last_call_ms = emscripten_get_now() - start;
  return committed;
}
EMSCRIPTEN_KEEPALIVE double bench_last_call_ms() { return g_last_call_ms; }

EMSCRIPTEN_KEEPALIVE int bench_saved(int which) { return storage(which).save_state() == SaveState::Saved ? 1 : 0; }
EMSCRIPTEN_KEEPALIVE double bench_page_writes() { return static_cast<double>(g.pages->writes_started()); }

}  // extern "C"

int main() { return 0; }
