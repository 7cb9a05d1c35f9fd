// The page store's chunk tracking (platform/pages/page_vfs.h), on real files: after any
// sequence of transactions, copying only the chunks it reports onto the previous image of the
// file, cut to the file's new size, gives the file byte for byte. That is exactly what the
// browser's page store does with IndexedDB.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <random>
#include <string>

#include "page_image.h"
#include "platform/pages/page_vfs.h"
#include "store/database.h"

namespace pages = quittance::platform::pages;
using quittance::store::Database;
using quittance::testing::apply;
using quittance::testing::read_all;

namespace {

std::string temp_path(const char* name) {
  auto path = std::filesystem::temp_directory_path() / (std::string("quittance-pages-test-") + name + ".db");
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-journal");
  return path.string();
}

}  // namespace

TEST_CASE("the chunks reported after each transaction, or after a group of them, rebuild the file exactly") {
  const std::string path = temp_path("rebuild");
  pages::install(path);
  pages::take_changes();  // whatever other tests left
  std::string image;
  std::mt19937 random(7);
  {
    auto db = Database::open(path);
    db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB)");
    apply(image, read_all(path), pages::take_changes());
    CHECK(image == read_all(path));
    // Changes are taken after one to four transactions, as the store groups commits made while
    // it writes: a file cut by VACUUM then grown again within a group is covered too.
    int until_take = 1;
    for (int round = 0; round < 120; ++round) {
      const int what = static_cast<int>(random() % 4);
      if (what == 0) {
        db.exec("INSERT INTO t(body) VALUES (randomblob(" + std::to_string(random() % 9000) + "))");
      } else if (what == 1) {
        db.exec("BEGIN; INSERT INTO t(body) SELECT randomblob(3000) FROM t LIMIT 20; COMMIT");
      } else if (what == 2) {
        db.exec("DELETE FROM t WHERE id % 3 = " + std::to_string(random() % 3));
      } else {
        db.exec("VACUUM");  // rewrites and shortens the file
      }
      if (--until_take > 0) continue;
      until_take = 1 + static_cast<int>(random() % 4);
      const std::string file = read_all(path);
      const pages::Changes changes = pages::take_changes();
      CHECK_FALSE(changes.whole);
      apply(image, file, changes);
      REQUIRE_MESSAGE(image == file, "round " << round << ", operation " << what);
    }
  }
  std::filesystem::remove(path);
}

TEST_CASE("a one-row commit reports a few chunks, not the file, and other files are not tracked") {
  const std::string path = temp_path("small");
  const std::string other = temp_path("other");
  pages::install(path);
  {
    auto db = Database::open(path);
    db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB)");
    db.exec("INSERT INTO t(body) SELECT randomblob(1000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
            "SELECT i + 1 FROM n WHERE i < 2000) SELECT i FROM n)");
    pages::take_changes();
    db.exec("INSERT INTO t(body) VALUES ('one row')");
    const pages::Changes changes = pages::take_changes();
    CHECK(std::filesystem::file_size(path) > 2'000'000);
    CHECK(changes.chunks.size() >= 1);
    CHECK(changes.chunks.size() <= 4);  // the leaf, the header (change counter) and perhaps a parent
    CHECK(changes.chunks.front() == 0);  // the header's change counter
  }
  {
    auto db = Database::open(other);
    db.exec("CREATE TABLE t(x)");
    CHECK(pages::take_changes().empty());
  }
  std::filesystem::remove(path);
  std::filesystem::remove(other);
}

TEST_CASE("changes given back after a failed store come again with the next ones") {
  const std::string path = temp_path("give-back");
  pages::install(path);
  auto db = Database::open(path);
  db.exec("CREATE TABLE t(x)");
  const pages::Changes first = pages::take_changes();
  REQUIRE_FALSE(first.empty());
  pages::give_back(first);
  db.exec("INSERT INTO t VALUES (1)");
  const pages::Changes again = pages::take_changes();
  for (std::uint32_t c : first.chunks) CHECK(std::find(again.chunks.begin(), again.chunks.end(), c) != again.chunks.end());
  pages::mark_whole();
  CHECK(pages::take_changes().whole);
  CHECK(pages::take_changes().empty());
  std::filesystem::remove(path);
}
