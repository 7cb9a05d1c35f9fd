// The page store's chunk tracking (src/platform/pages/page_vfs.h) driven by the fuzzer: each of
// an input's first four bytes picks a transaction on the tracked file (inserts of sizes the next
// bytes give, deletes, VACUUM, a page size change), and every few of them the chunks it reports
// are copied onto the store's previous image, as the browser does with its store. The image must
// be the file, byte for byte, whatever the sequence. Four per input, on a file kept across
// inputs: sequences run long (up to 800 transactions) while an input stays cheap to run.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>

#include "fuzz_target.h"
#include "page_image.h"
#include "platform/pages/page_vfs.h"
#include "store/database.h"

namespace {

namespace pages = quittance::platform::pages;

using quittance::testing::apply;
using quittance::testing::read_all;

// In memory-backed /dev/shm where there is one: the shim watches writes, not the disk.
std::string tracked_path() {
  const std::filesystem::path dir = std::filesystem::is_directory("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                                              : std::filesystem::temp_directory_path();
  return (dir / ("quittance-fuzz-pages-" + std::to_string(::getpid()) + ".db")).string();
}

// One tracked database across inputs (opening a new one per input cost more than the rest),
// started again every 200 inputs or once it passes 128 KiB, with the store's image beside it. The
// bound keeps each VACUUM and whole-file comparison cheap: what is fuzzed is the sequence of
// writes, truncations and page-size changes, which a small file meets as often as a large one.
struct Tracked {
  explicit Tracked(std::string p) : path(std::move(p)) {}
  std::string path;
  std::unique_ptr<quittance::store::Database> db;
  std::string image;
  int inputs = 0;
  ~Tracked() { close_and_remove(); }  // nothing left behind in /dev/shm
  void close_and_remove() {
    db.reset();
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-journal");
  }
  void restart() {
    close_and_remove();
    pages::install(path);
    pages::take_changes();
    image.clear();
    db = std::make_unique<quittance::store::Database>(quittance::store::Database::open(path));
    // No fsync: what is tracked is which chunks SQLite writes, not when the disk has them.
    db->exec("PRAGMA synchronous = OFF");
    db->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB)");
    apply(image, read_all(path), pages::take_changes());
    inputs = 0;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Tracked t{tracked_path()};
  if (!t.db || ++t.inputs > 200 || std::filesystem::file_size(t.path) > 128 * 1024) t.restart();
  auto& db = *t.db;
  for (std::size_t i = 0; i < size && i < 4; ++i) {
    const std::uint8_t b = data[i];
    const int arg = i + 1 < size ? data[i + 1] : 0;
    switch (b % 6) {
      case 0: db.exec("INSERT INTO t(body) VALUES (randomblob(" + std::to_string(arg * 40) + "))"); break;
      case 1: db.exec("BEGIN; INSERT INTO t(body) SELECT randomblob(3000) FROM t LIMIT " + std::to_string(arg % 30) + "; COMMIT"); break;
      case 2: db.exec("DELETE FROM t WHERE id % 3 = " + std::to_string(arg % 3)); break;
      case 3: db.exec("VACUUM"); break;
      case 4: db.exec("PRAGMA page_size = " + std::to_string(512 << (arg % 8)) + "; VACUUM"); break;
      default: break;  // a take point only
    }
    if ((b & 0x30) != 0) continue;  // changes taken after a few transactions, as the store groups them
    apply(t.image, read_all(t.path), pages::take_changes());
    if (t.image != read_all(t.path)) std::abort();
  }
  apply(t.image, read_all(t.path), pages::take_changes());
  if (t.image != read_all(t.path)) std::abort();
  return 0;
}
