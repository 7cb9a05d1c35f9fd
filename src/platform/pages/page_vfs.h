// A SQLite VFS shim that notes which 4 KiB chunks of one file (the clinic database) were written,
// so that the browser's page store (web/page_storage.*) copies to IndexedDB only what a
// transaction changed, never the whole file. Every call goes to the default VFS underneath (the
// in-memory file system in the browser, the disk natively, where the tests run it); the shim
// only watches xWrite and xTruncate on the main database file at the tracked path.
//
// Chunks, not SQLite pages: the store's unit is fixed whatever the page size of the database
// (a restored backup may have another), and a write is marked on every chunk it touches.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace quittance::platform::pages {

constexpr std::int64_t kChunkSize = 4096;

// Registers the shim as SQLite's default VFS (once; later calls only change the path). From
// then on, writes to `tracked_path` opened as a main database are noted.
void install(const std::string& tracked_path);

// What changed in the tracked file since the last take: the chunks written (sorted, unique),
// or `whole` when the file was replaced without SQLite (a restore) and must be copied entire.
struct Changes {
  bool whole = false;
  std::vector<std::uint32_t> chunks;
  // The smallest size the file was cut to (-1: never): every chunk from there to the end is
  // stored again, since a file cut then grown again holds zeros SQLite never wrote there.
  std::int64_t shrunk_to = -1;
  bool empty() const { return !whole && chunks.empty() && shrunk_to < 0; }
};
Changes take_changes();
// Gives back changes that could not be stored (an IndexedDB failure): the next take has them
// again, merged with what was written since.
void give_back(const Changes& changes);
// The whole file is to be copied at the next take (it was replaced behind SQLite's back).
void mark_whole();

}  // namespace quittance::platform::pages
