// The chunk-tracking VFS shim. See page_vfs.h. The shape follows SQLite's own shims (vfstrace.c):
// our sqlite3_file holds the real one right after it, and every method forwards to it.
#include "platform/pages/page_vfs.h"

#include <sqlite3.h>

#include <cstring>
#include <set>

namespace quittance::platform::pages {

namespace {

struct State {
  sqlite3_vfs vfs{};
  sqlite3_vfs* real = nullptr;
  std::string tracked_path;
  std::set<std::uint32_t> chunks;  // written since the last take
  std::int64_t shrunk_to = -1;     // the smallest size cut to since the last take
  bool whole = false;
};
State g;

// alignas(8): the real file is allocated right after this struct, and SQLite's files hold
// 64-bit fields.
struct alignas(8) File {
  sqlite3_file base;     // pMethods: ours
  sqlite3_file* real;    // the default VFS's file, allocated right after this struct
  bool tracked;          // the clinic database
};

void mark(sqlite3_int64 offset, sqlite3_int64 length) {
  if (length <= 0) return;
  const auto first = static_cast<std::uint32_t>(offset / kChunkSize);
  const auto last = static_cast<std::uint32_t>((offset + length - 1) / kChunkSize);
  for (std::uint32_t c = first; c <= last; ++c) g.chunks.insert(c);
}

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

int x_close(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  const int rc = r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
  f->pMethods = nullptr;
  return rc;
}
int x_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  return real_of(f)->pMethods->xRead(real_of(f), buf, amount, offset);
}
int x_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  const int rc = real_of(f)->pMethods->xWrite(real_of(f), buf, amount, offset);
  // Marked even on failure: part of it may have reached the file.
  if (reinterpret_cast<File*>(f)->tracked) mark(offset, amount);
  return rc;
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  const int rc = real_of(f)->pMethods->xTruncate(real_of(f), size);
  // The store drops the chunks past the end on its own (it knows the size); from the new end
  // on, whatever the file holds at the next take is stored again.
  if (reinterpret_cast<File*>(f)->tracked && (g.shrunk_to < 0 || size < g.shrunk_to)) g.shrunk_to = size;
  return rc;
}
int x_sync(sqlite3_file* f, int flags) { return real_of(f)->pMethods->xSync(real_of(f), flags); }
int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return real_of(f)->pMethods->xFileSize(real_of(f), size); }
int x_lock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xLock(real_of(f), level); }
int x_unlock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xUnlock(real_of(f), level); }
int x_check_reserved_lock(sqlite3_file* f, int* out) {
  return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int x_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int x_device_characteristics(sqlite3_file* f) {
  return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}
int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real_of(f)->pMethods->xShmMap(real_of(f), region, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int x_shm_unmap(sqlite3_file* f, int del) { return real_of(f)->pMethods->xShmUnmap(real_of(f), del); }
// No memory-mapped reads: a page handed out that way would bypass nothing here (SQLite never
// writes through it), but keeping to xRead/xWrite leaves one path to reason about.
int x_fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;
  return SQLITE_OK;
}
int x_unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods kMethods = {
    3,        x_close, x_read, x_write, x_truncate, x_sync, x_file_size, x_lock, x_unlock,
    x_check_reserved_lock, x_file_control, x_sector_size, x_device_characteristics,
    x_shm_map, x_shm_lock, x_shm_barrier, x_shm_unmap, x_fetch, x_unfetch,
};

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = reinterpret_cast<File*>(f);
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  file->tracked = name && (flags & SQLITE_OPEN_MAIN_DB) && g.tracked_path == name;
  const int rc = g.real->xOpen(g.real, name, file->real, flags, out_flags);
  // SQLite calls xClose when pMethods is set, even after a failed open: ours whenever the real
  // file has its own, so that the real one is closed too (as SQLite's vfstrace.c does).
  f->pMethods = file->real->pMethods ? &kMethods : nullptr;
  return rc;
}
int x_delete(sqlite3_vfs*, const char* name, int sync_dir) { return g.real->xDelete(g.real, name, sync_dir); }
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g.real->xAccess(g.real, name, flags, out); }
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g.real->xFullPathname(g.real, name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) { return g.real->xDlOpen(g.real, name); }
void x_dl_error(sqlite3_vfs*, int n, char* out) { g.real->xDlError(g.real, n, out); }
void (*x_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) { return g.real->xDlSym(g.real, handle, symbol); }
void x_dl_close(sqlite3_vfs*, void* handle) { g.real->xDlClose(g.real, handle); }
int x_randomness(sqlite3_vfs*, int n, char* out) { return g.real->xRandomness(g.real, n, out); }
int x_sleep(sqlite3_vfs*, int micros) { return g.real->xSleep(g.real, micros); }
int x_current_time(sqlite3_vfs*, double* out) { return g.real->xCurrentTime(g.real, out); }
int x_get_last_error(sqlite3_vfs*, int n, char* out) { return g.real->xGetLastError(g.real, n, out); }
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) { return g.real->xCurrentTimeInt64(g.real, out); }

}  // namespace

void install(const std::string& tracked_path) {
  g.tracked_path = tracked_path;
  if (g.real) return;
  g.real = sqlite3_vfs_find(nullptr);
  g.vfs.iVersion = 2;
  g.vfs.szOsFile = static_cast<int>(sizeof(File)) + g.real->szOsFile;
  g.vfs.mxPathname = g.real->mxPathname;
  g.vfs.zName = "quittance-pages";
  g.vfs.xOpen = x_open;
  g.vfs.xDelete = x_delete;
  g.vfs.xAccess = x_access;
  g.vfs.xFullPathname = x_full_pathname;
  g.vfs.xDlOpen = x_dl_open;
  g.vfs.xDlError = x_dl_error;
  g.vfs.xDlSym = x_dl_sym;
  g.vfs.xDlClose = x_dl_close;
  g.vfs.xRandomness = x_randomness;
  g.vfs.xSleep = x_sleep;
  g.vfs.xCurrentTime = x_current_time;
  g.vfs.xGetLastError = x_get_last_error;
  g.vfs.xCurrentTimeInt64 = x_current_time_int64;
  sqlite3_vfs_register(&g.vfs, /*makeDflt=*/1);
}

Changes take_changes() {
  Changes out;
  out.whole = g.whole;
  if (!out.whole) {
    out.chunks.assign(g.chunks.begin(), g.chunks.end());
    out.shrunk_to = g.shrunk_to;
  }
  g.chunks.clear();
  g.shrunk_to = -1;
  g.whole = false;
  return out;
}

void give_back(const Changes& changes) {
  if (changes.whole) g.whole = true;
  g.chunks.insert(changes.chunks.begin(), changes.chunks.end());
  if (changes.shrunk_to >= 0 && (g.shrunk_to < 0 || changes.shrunk_to < g.shrunk_to)) g.shrunk_to = changes.shrunk_to;
}

void mark_whole() {
  g.whole = true;
  g.chunks.clear();
  g.shrunk_to = -1;
}

}  // namespace quittance::platform::pages
