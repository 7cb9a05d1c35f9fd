// Backups (store/backup.h, app/backup_check.h): the image of a live clinic round-trips, and
// each kind of bad file is refused with its own code before anything could be restored.
#include "store/backup.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "app/backup_check.h"
#include "app/backup_check_job.h"
#include "app/journal.h"
#include "billing_clinic.h"
#include "store/migrations.h"

using quittance::app::check_backup;
using quittance::store::BackupCheck;
using quittance::store::BackupStatus;
using quittance::store::Database;
using quittance::store::serialize_database;
using quittance::testing::Clinic;
using quittance::testing::Json;

namespace {

using Bytes = std::vector<unsigned char>;

// check_backup's verdict, which the interface's check a slice at a time (app::BackupCheckJob,
// given no time at all: one table or 5,000 journal entries a step) must share.
BackupCheck check(const Bytes& bytes) {
  const BackupCheck whole = check_backup(bytes.data(), bytes.size());
  quittance::app::BackupCheckJob job{Bytes(bytes)};
  double progress = 0;
  int steps = 0;
  while (job.step(0)) {
    CHECK(job.progress() >= progress);
    CHECK(job.progress() < 1);
    progress = job.progress();
    ++steps;
  }
  CHECK(job.done());
  CHECK_FALSE(job.failed());
  CHECK(job.progress() == 1);
  CHECK(job.result().status == whole.status);
  if (whole.ok()) {
    CHECK(steps > 10);  // a table a step
    CHECK(job.result().patients == whole.patients);
    CHECK(job.result().invoices == whole.invoices);
    CHECK(job.result().last_entry_at == whole.last_entry_at);
    Bytes given = job.take_bytes();
    Bytes expected = bytes;
    for (std::size_t at : {18, 19}) expected[at] = expected[at] == 2 ? 1 : expected[at];  // WAL read as rollback
    CHECK(given == expected);
  }
  return whole;
}
std::string code(const Bytes& bytes) { return quittance::store::to_string(check(bytes).status); }

// Two patients, three invoices (one still a draft), a payment.
void fill(Clinic& c) {
  std::string lea = c.patient("Léa Moreau");
  std::string tom = c.patient("Tom Bernard");
  std::string inv = c.invoice(lea, 6000);
  c.invoice(tom, 4500);
  c.exec({{"cmd", "invoice.create"}, {"patient_id", tom}, {"lines", {{{"label", "Brouillon"}, {"unit_price", 100}}}}});
  c.exec({{"cmd", "payment.create"},
          {"patient_id", lea},
          {"payment_type_id", "cash"},
          {"amount", 6000},
          {"allocations", {{{"invoice_id", inv}, {"amount", 6000}}}}});
}

std::int64_t scalar(Database& db, const std::string& sql) {
  auto st = db.prepare(sql);
  st.step();
  return st.column_int64(0);
}

std::string temp_path(const char* name) {
  auto path = std::filesystem::temp_directory_path() / (std::string("quittance-backup-test-") + name + ".db");
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  return path.string();
}

// The offset of the first byte of page `page` (1-based) in a database image.
std::size_t page_offset(Database& db, std::int64_t page) {
  return static_cast<std::size_t>((page - 1) * scalar(db, "PRAGMA page_size"));
}

}  // namespace

TEST_CASE("a clinic's image checks out, tells what it holds, and is the same database once restored") {
  Clinic c({2026, 11, 21});
  fill(c);
  const Bytes image = serialize_database(c.db());
  REQUIRE(image.size() % 4096 == 0);
  const BackupCheck result = check(image);
  CHECK(result.ok());
  CHECK(result.message == "");
  CHECK(result.schema_version == quittance::store::clinic_migrations().back().version);
  CHECK(result.patients == 2);
  CHECK(result.invoices == 2);  // the draft is not an invoice yet
  CHECK(result.last_entry_at == "2026-11-21T09:00:00Z");

  // Restored the way the native build would: the bytes written as the clinic's file.
  const std::string path = temp_path("restore");
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(image.data()), static_cast<std::streamsize>(image.size()));
  Database restored = Database::open(path);
  quittance::app::CommandLayer commands(restored);
  Json audit = commands.query({{"cmd", "audit.verify"}})["result"];
  CHECK(audit["intact"] == true);
  CHECK(audit["entries"] == scalar(c.db(), "SELECT COUNT(*) FROM journal"));
  CHECK(commands.query({{"cmd", "invoice.list"}})["result"] == c.query({{"cmd", "invoice.list"}}));
}

TEST_CASE("the image is of committed data only: refused inside a transaction") {
  Clinic c;
  fill(c);
  c.db().transaction([&] {
    c.db().exec("UPDATE patients SET name = 'Pas encore'");
    CHECK_THROWS_AS(serialize_database(c.db()), quittance::store::StoreError);
  });
}

TEST_CASE("a database in WAL mode (a copied file) checks out too") {
  const std::string path = temp_path("wal");
  Database db = Database::open(path);
  quittance::store::migrate(db, quittance::store::clinic_migrations());
  {
    auto wal = db.prepare("PRAGMA journal_mode = WAL");
    wal.step();
    REQUIRE(wal.column_text(0) == "wal");
  }
  quittance::app::CommandLayer commands(db, quittance::app::fixed_clock({2026, 11, 21}));
  Json created = commands.exec({{"cmd", "patient.create"}, {"id", "p-1"}, {"name", "Léa Moreau"}});
  REQUIRE_MESSAGE(created["ok"] == true, created.dump());
  const Bytes image = serialize_database(db);
  REQUIRE(image.size() > 100);
  CHECK(image[18] == 2);  // the header says WAL: an in-memory open must not try to use a -wal file
  const BackupCheck result = check(image);
  CHECK(code(image) == "ok");
  CHECK(result.patients == 1);
}

TEST_CASE("refused: bytes that are not an SQLite database") {
  std::mt19937_64 rng(7);
  Bytes noise(8192);
  std::generate(noise.begin(), noise.end(), [&] { return static_cast<unsigned char>(rng()); });
  CHECK(code(noise) == "not_sqlite");
  CHECK(code({}) == "not_sqlite");
  CHECK(check(noise).message != "");

  // A real header on a file cut short, and a header followed by noise.
  Clinic c;
  fill(c);
  Bytes image = serialize_database(c.db());
  CHECK(code(Bytes(image.begin(), image.begin() + 50)) == "not_sqlite");
  CHECK(code(Bytes(image.begin(), image.begin() + 4096)) == "corrupt");  // its first page only
  Bytes header_then_noise = noise;
  std::memcpy(header_then_noise.data(), image.data(), 16);
  CHECK(code(header_then_noise) == "not_sqlite");
}

TEST_CASE("refused: an SQLite database that is not a clinic's") {
  Database other = Database::open(":memory:");
  other.exec("CREATE TABLE recipes(name TEXT); INSERT INTO recipes VALUES ('Tarte Tatin')");
  CHECK(code(serialize_database(other)) == "not_quittance");
  // A schema version, but no journal: still not ours.
  other.exec("PRAGMA user_version = 2");
  const BackupCheck result = check(serialize_database(other));
  CHECK(quittance::store::to_string(result.status) == std::string("not_quittance"));
  CHECK(result.message == "no journal table");
}

TEST_CASE("refused: a backup from a newer Quittance") {
  Clinic c;
  fill(c);
  const int newest = quittance::store::clinic_migrations().back().version;
  c.db().exec("PRAGMA user_version = " + std::to_string(newest + 1));
  const BackupCheck result = check(serialize_database(c.db()));
  CHECK(quittance::store::to_string(result.status) == std::string("newer_schema"));
  CHECK(result.schema_version == newest + 1);
}

TEST_CASE("refused: a damaged page, or a row that no longer matches its index") {
  Clinic c;
  fill(c);
  const Bytes image = serialize_database(c.db());
  REQUIRE(code(image) == "ok");

  // The invoices table's root page gets an impossible b-tree page type.
  const std::int64_t root = scalar(c.db(), "SELECT rootpage FROM sqlite_schema WHERE name = 'invoices'");
  REQUIRE(root > 1);
  Bytes damaged = image;
  damaged[page_offset(c.db(), root)] = 0x42;
  CHECK(code(damaged) == "corrupt");

  // A patient's name changed in the table only: the page is well formed, but the name index
  // no longer agrees (only integrity_check sees this). Inserted directly, so the journal
  // does not hold the name too.
  c.db().exec("INSERT INTO patients(id, name, created_at) VALUES ('z', 'Zacharie Unique', '2026-11-02T09:00:00Z')");
  Bytes edited = serialize_database(c.db());
  const std::string needle = "Zacharie Unique";
  auto at = std::search(edited.begin(), edited.end(), needle.begin(), needle.end());
  REQUIRE(at != edited.end());
  *at = 'Y';
  REQUIRE(std::search(at + 1, edited.end(), needle.begin(), needle.end()) != edited.end());  // the index's copy
  const BackupCheck result = check(edited);
  CHECK(quittance::store::to_string(result.status) == std::string("corrupt"));
  CHECK(result.message.find("integrity_check") != std::string::npos);
}

TEST_CASE("refused: a journal entry changed after the fact") {
  Clinic c;
  fill(c);
  REQUIRE(code(serialize_database(c.db())) == "ok");
  c.db().exec("UPDATE journal SET body = replace(body, 'Tom Bernard', 'Tom Bertrand') WHERE seq = 2");
  REQUIRE(c.db().total_changes() > 0);
  const BackupCheck result = check(serialize_database(c.db()));
  CHECK(quittance::store::to_string(result.status) == std::string("journal_broken"));
  CHECK(result.message == "the journal's hash chain breaks at entry 2");
}

TEST_CASE("the journal's chain verified a few entries at a time finds what the whole pass finds") {
  Clinic c;
  fill(c);
  quittance::app::JournalChainCheck sliced;
  int steps = 0;
  while (sliced.step(c.db(), 2)) ++steps;
  const quittance::app::ChainCheck whole = quittance::app::verify_journal(c.db());
  REQUIRE(whole.ok);
  CHECK(sliced.result().ok);
  CHECK(sliced.result().entries == whole.entries);
  CHECK(steps == whole.entries / 2);
  // Broken at entry 4, in the second slice of two; then, before it, an entry numbered 0.
  c.db().exec("UPDATE journal SET result = '{}' WHERE seq = 4");
  quittance::app::JournalChainCheck broken;
  while (broken.step(c.db(), 2)) {
  }
  CHECK_FALSE(broken.result().ok);
  CHECK(broken.result().broken_at == 4);
  CHECK(broken.result().broken_at == quittance::app::verify_journal(c.db()).broken_at);
  c.db().exec("INSERT INTO journal(seq, command_id, name, actor, body, result, at, prev_hash, hash) "
              "SELECT 0, 'zero', name, actor, body, result, at, prev_hash, hash FROM journal WHERE seq = 1");
  quittance::app::JournalChainCheck zero;
  while (zero.step(c.db(), 2)) {
  }
  CHECK_FALSE(zero.result().ok);
  CHECK(zero.result().broken_at == 1);
}
