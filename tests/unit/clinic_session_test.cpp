// One clinic's books in a running app (session/clinic_session.h), natively, on real files: a
// new file is created and stored, an older one brought up to date, an unreadable or newer one
// refused and left as it was; a backup swapped in by the owner only and checked first; a swap
// cut short leaves the previous books; the demo's practice seeded once; a new device's books
// come from the server's snapshot, unless work was done here during the download.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "app/backup_check_job.h"
#include "app/command_id.h"
#include "httplib_transport.h"
#include "server_fixture.h"
#include "session/clinic_session.h"
#include "store/backup.h"
#include "store/migrations.h"

using namespace quittance;
using namespace quittance::server::testing;
using session::ClinicSession;
using Json = nlohmann::json;

namespace {

// A folder of its own per test, removed after.
struct Folder {
  std::filesystem::path path;
  Folder() {
    path = std::filesystem::temp_directory_path() / ("quittance-session-" + app::new_command_id());
    std::filesystem::create_directories(path);
  }
  ~Folder() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Books {
  int stored = 0, replaced = 0;
  session::ClinicFiles files(const std::string& path) {
    session::ClinicFiles f;
    f.database_path = path;
    f.store = [this] { ++stored; };
    f.replaced = [this] { ++replaced; };
    return f;
  }
};

Json exec(ClinicSession& s, Json cmd) {
  cmd["id"] = app::new_command_id();
  const Json answer = s.commands()->exec(cmd);
  REQUIRE_MESSAGE(answer["ok"] == true, answer.dump());
  return answer["result"];
}

std::int64_t patients(ClinicSession& s) {
  return s.commands()->query({{"cmd", "patient.list"}})["result"]["total"].get<std::int64_t>();
}

// Books migrated up to schema `version` only, as an earlier Quittance left them.
store::Database books_of_schema(const std::string& path, int version) {
  store::Database db = store::Database::open(path);
  std::vector<store::Migration> older = store::clinic_migrations();
  while (older.back().version > version) older.pop_back();
  store::migrate(db, older);
  REQUIRE(store::schema_version(db) == version);
  return db;
}

// The journal's records of schema upgrades (app/books_upgrade.h).
Json upgrades_in_journal(ClinicSession& s) {
  const Json journal = s.commands()->query({{"cmd", "journal.list"}, {"limit", 500}});
  REQUIRE_MESSAGE(journal["ok"] == true, journal.dump());
  Json out = Json::array();
  for (const Json& entry : journal["result"]["items"]) {
    if (entry["name"] == "books.upgraded") out.push_back(entry);
  }
  return out;
}

// Other books, as a backup file's bytes.
std::vector<std::uint8_t> backup_of_other_books(const Folder& folder) {
  Books b;
  std::filesystem::remove(folder.file("other.db"));
  ClinicSession other(b.files(folder.file("other.db")), {});
  REQUIRE_FALSE(other.open());
  exec(other, {{"cmd", "patient.create"}, {"name", "Éloïse Dupré"}});
  exec(other, {{"cmd", "patient.create"}, {"name", "Noël Œuvrard"}});
  return store::serialize_database(*other.db());
}

}  // namespace

TEST_CASE("session: new books are created and stored; reopened, they hold what was written") {
  Folder folder;
  Books b;
  {
    ClinicSession s(b.files(folder.file("books.db")), {});
    CHECK_FALSE(s.open());
    REQUIRE(s.is_open());
    CHECK(b.stored == 1);
    CHECK(s.backend() == nullptr);  // no server given
    int changed = 0;
    s.on_books_changed([&] { ++changed; });
    exec(s, {{"cmd", "patient.create"}, {"name", "Hélène Crête"}});
    CHECK(changed == 1);
    s.close();
    CHECK_FALSE(s.is_open());
  }
  ClinicSession again(b.files(folder.file("books.db")), {});
  REQUIRE_FALSE(again.open());
  CHECK(patients(again) == 1);
}

TEST_CASE("session: an unreadable file and a newer Quittance's are refused and left as they were") {
  Folder folder;
  Books b;
  const std::string garbage = folder.file("garbage.db");
  std::ofstream(garbage, std::ios::binary) << std::string(8192, '\x5a');
  ClinicSession unreadable(b.files(garbage), {});
  const std::optional<session::OpenFailure> failure = unreadable.open();
  REQUIRE(failure);
  CHECK(failure->key == "error.database_unreadable");
  CHECK_FALSE(unreadable.is_open());
  CHECK(read_bytes(garbage) == std::string(8192, '\x5a'));
  CHECK(b.stored == 0);

  const std::string newer = folder.file("newer.db");
  {
    store::Database db = store::Database::open(newer);
    store::migrate(db, store::clinic_migrations());
    db.exec("PRAGMA user_version = 999");
  }
  const std::string before = read_bytes(newer);
  ClinicSession future(b.files(newer), {});
  const std::optional<session::OpenFailure> refused = future.open();
  REQUIRE(refused);
  CHECK(refused->key == "error.database_newer");
  CHECK(refused->detail == "schema 999");
  CHECK(read_bytes(newer) == before);
}

TEST_CASE("session: books of an older schema are brought up to date") {
  Folder folder;
  Books b;
  const std::string path = folder.file("old.db");
  const int newest = store::clinic_migrations().back().version;
  books_of_schema(path, newest - 1);
  ClinicSession s(b.files(path), {});
  REQUIRE_FALSE(s.open());
  CHECK(store::schema_version(*s.db()) == newest);
  CHECK(b.stored == 1);
  // The journal says so; no document was frozen by this step.
  const Json upgrades = upgrades_in_journal(s);
  REQUIRE(upgrades.size() == 1);
  CHECK(upgrades[0]["command"]["from"] == newest - 1);
  CHECK(upgrades[0]["command"]["to"] == newest);
  CHECK_FALSE(upgrades[0]["command"].contains("frozen"));
}

TEST_CASE("session: upgrading books issued before freezing journals what it froze, once") {
  Folder folder;
  Books b;
  const std::string path = folder.file("schema12.db");
  {
    // Books of schema 12: an issued invoice, a credit note on it and a draft.
    store::Database db = books_of_schema(path, 12);
    db.exec("INSERT INTO patients(id, name, created_at) VALUES ('p1', 'Léa Martin', '2026-11-02T09:00:00Z')");
    db.exec("INSERT INTO invoices(id, patient_id, state, number, issued_on, currency, net, tax, total, status, notes, "
            "created_at) VALUES ('i1', 'p1', 'issued', 'F-2026-A-000001', '2026-11-02', 'EUR', 5000, 0, 5000, 'open', '', "
            "'2026-11-02T09:00:00Z'), ('i2', 'p1', 'draft', NULL, NULL, 'EUR', 0, 0, 0, 'draft', '', "
            "'2026-11-02T09:00:00Z')");
    db.exec("INSERT INTO credit_notes(id, patient_id, invoice_id, number, issued_on, currency, net, tax, total, note, "
            "internal_note, created_at) VALUES ('c1', 'p1', 'i1', 'AV-2026-A-000001', '2026-11-03', 'EUR', 1000, 0, 1000, "
            "'', '', '2026-11-03T09:00:00Z')");
  }
  const int newest = store::clinic_migrations().back().version;
  {
    ClinicSession s(b.files(path), {});
    REQUIRE_FALSE(s.open());
    const Json upgrades = upgrades_in_journal(s);
    REQUIRE(upgrades.size() == 1);
    const Json& entry = upgrades[0];
    CHECK(entry["command"]["from"] == 12);
    CHECK(entry["command"]["to"] == newest);
    CHECK(entry["command"]["frozen"] == Json{{"invoices", 1}, {"credit_notes", 1}});
    CHECK(entry["result"] == Json{{"from", 12}, {"to", newest}, {"frozen", {{"invoices", 1}, {"credit_notes", 1}}}});
    CHECK(entry["actor"] == "owner");
    CHECK(s.commands()->query({{"cmd", "audit.verify"}})["result"]["intact"] == true);
  }
  // Opened again, nothing is upgraded nor said twice.
  ClinicSession again(b.files(path), {});
  REQUIRE_FALSE(again.open());
  CHECK(upgrades_in_journal(again).size() == 1);
}

TEST_CASE("session: new books record no upgrade; a forged record is refused") {
  Folder folder;
  Books b;
  ClinicSession s(b.files(folder.file("new.db")), {});
  REQUIRE_FALSE(s.open());
  CHECK(upgrades_in_journal(s).empty());
  for (const Json& bad : {Json{{"from", 14}, {"to", 14}}, Json{{"from", 0}, {"to", 3}},
                          Json{{"from", 12}, {"to", 14}, {"frozen", {{"invoices", -1}, {"credit_notes", 0}}}},
                          Json{{"from", 12}, {"to", 14}, {"frozen", "all"}}}) {
    Json cmd = bad;
    cmd["cmd"] = "books.upgraded";
    cmd["id"] = app::new_command_id();
    const Json answer = s.commands()->exec(cmd);
    CHECK_MESSAGE(answer["error"]["code"] == "invalid_argument", answer.dump());
  }
  CHECK(upgrades_in_journal(s).empty());
}

TEST_CASE("session: a backup is swapped in by the owner only, checked first; the books refused stay") {
  Folder folder;
  Books b;
  ClinicSession s(b.files(folder.file("books.db")), {});
  REQUIRE_FALSE(s.open());
  exec(s, {{"cmd", "patient.create"}, {"name", "Léa Moreau"}});
  int started = 0;
  s.on_started([&] { ++started; });

  // Not a backup: refused, the books as they were.
  CHECK(s.restore_backup(std::vector<std::uint8_t>(4096, 7)).rfind("exports.restore.refused.", 0) == 0);
  CHECK(patients(s) == 1);
  CHECK(b.replaced == 0);

  // Someone who is not the owner.
  const Json user = exec(s, {{"cmd", "user.create"}, {"name", "Accueil"}, {"role", "billing"}});
  REQUIRE(s.commands()->set_actor(user["user_id"]));
  CHECK(s.restore_backup(backup_of_other_books(folder)) == "exports.restore.owner_only");
  CHECK(patients(s) == 1);

  // The owner: the other books, swapped in whole, with a new command layer.
  REQUIRE(s.commands()->act_as_an_owner());
  CHECK(s.restore_backup(backup_of_other_books(folder)).empty());
  CHECK(patients(s) == 2);
  CHECK(b.replaced == 1);
  CHECK(started == 1);
  CHECK_FALSE(std::filesystem::exists(folder.file("books.db.before-restore")));
}

TEST_CASE("session: bytes a BackupCheckJob passed are swapped in without a second check, by the owner only") {
  Folder folder;
  Books b;
  ClinicSession s(b.files(folder.file("books.db")), {});
  REQUIRE_FALSE(s.open());
  exec(s, {{"cmd", "patient.create"}, {"name", "Léa Moreau"}});
  quittance::app::BackupCheckJob job(backup_of_other_books(folder));
  while (job.step(0)) {
  }
  REQUIRE(job.result().ok());
  std::vector<std::uint8_t> checked = job.take_bytes();

  const Json user = exec(s, {{"cmd", "user.create"}, {"name", "Accueil"}, {"role", "billing"}});
  REQUIRE(s.commands()->set_actor(user["user_id"]));
  CHECK(s.restore_checked_backup(checked) == "exports.restore.owner_only");
  REQUIRE(s.commands()->act_as_an_owner());
  CHECK(s.restore_checked_backup(std::vector<std::uint8_t>(50, 0)) == "exports.restore.refused.not_sqlite");
  CHECK(patients(s) == 1);
  CHECK(b.replaced == 0);
  CHECK(s.restore_checked_backup(std::move(checked)).empty());
  CHECK(patients(s) == 2);
  CHECK(b.replaced == 1);
  // Opening it ran quick_check, which table-by-table checks leave out (the free list).
  CHECK(s.db()->quick_check() == "ok");
}

TEST_CASE("session: a swap cut short leaves the previous books, which open as they were") {
  Folder folder;
  Books b;
  const std::string path = folder.file("books.db");
  {
    ClinicSession s(b.files(path), {});
    REQUIRE_FALSE(s.open());
    exec(s, {{"cmd", "patient.create"}, {"name", "Léa Moreau"}});
  }
  // Cut where swap_in has put the books aside and the new file in their place, before it
  // opened it: the app closed there.
  std::filesystem::rename(path, path + ".before-restore");
  {
    const std::vector<std::uint8_t> other = backup_of_other_books(folder);
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(other.data()),
                                               static_cast<std::streamsize>(other.size()));
  }
  ClinicSession s(b.files(path), {});
  REQUIRE_FALSE(s.open());
  CHECK(patients(s) == 1);  // the previous books, not the half-restored ones
  CHECK(s.commands()->query({{"cmd", "patient.list"}})["result"]["items"][0]["name"] == "Léa Moreau");
  CHECK_FALSE(std::filesystem::exists(path + ".before-restore"));
}

TEST_CASE("session: the demo's practice is seeded once; a visitor's own work is kept") {
  Folder folder;
  Books b;
  sync::DemoServer demo;
  session::ServerAccess server;
  server.demo = &demo;
  std::int64_t starts = 0;
  server.demo_first_seq = [&] { return 5000 + 1000 * ++starts; };
  server.demo_device_name = "Démonstration";
  std::int64_t seeded = 0;
  {
    ClinicSession s(b.files(folder.file("demo.db")), server);
    REQUIRE_FALSE(s.open());
    REQUIRE(s.backend());
    CHECK(s.backend()->server().simulated());
    seeded = patients(s);
    CHECK(seeded > 10);
    exec(s, {{"cmd", "patient.create"}, {"name", "Visiteur"}});
  }
  ClinicSession again(b.files(folder.file("demo.db")), server);
  REQUIRE_FALSE(again.open());
  CHECK(patients(again) == seeded + 1);
  // Each start numbers the simulated events anew: never an id the books already hold.
  CHECK(starts == 2);
  CHECK(again.backend()->server().link().events_after == 6999);
}

namespace {

// A device of the server's clinic, in a session over real HTTP, with an in-memory link.
struct Device {
  Books books;
  quittance::testing::HttplibTransport http;
  sync::DeviceLink link;
  ClinicSession session;
  Device(const std::string& path)
      : session(books.files(path), access()) {}
  session::ServerAccess access() {
    session::ServerAccess a;
    a.http = &http;
    a.read_link = [this] { return link; };
    a.save_link = [this](const sync::DeviceLink& l) { link = l; };
    a.download_snapshot = [](const sync::DeviceLink& l, const std::string& path, std::function<void(bool)> done) {
      const std::size_t at = l.server_url.find('/', l.server_url.find("://") + 3);
      httplib::Client client(l.server_url.substr(0, at));
      auto r = client.Get("/api/sync/snapshot", {{"Authorization", "Bearer " + l.token}});
      const bool ok = r && r->status == 200;
      if (ok) std::ofstream(path, std::ios::binary) << r->body;
      done(ok);
    };
    return a;
  }
  void pair(ApiServer& s) {
    const Json code =
        body_of(s.post("/api/devices/pairing-code", "{}", "application/json", ApiServer::bearer(s.admin.device_token)));
    std::optional<sync::CallResult> result;
    session.backend()->pairing().pair("http://127.0.0.1:" + std::to_string(s.port), code["code"], "Poste",
                                      [&](const sync::CallResult& r) { result = r; });
    REQUIRE(result);
    REQUIRE(result->ok());
  }
};

}  // namespace

TEST_CASE("session: a new device's books come from the server's snapshot, unless work was done here meanwhile") {
  ApiServer s;
  Folder folder;
  Device first(folder.file("first.db"));
  REQUIRE_FALSE(first.session.open());
  exec(first.session, {{"cmd", "patient.create"}, {"name", "Léa Moreau"}});
  first.pair(s);
  REQUIRE(first.session.backend()->log().pending() == 0);

  // A new device: the snapshot is downloaded at pairing, and installed between frames.
  Device fresh(folder.file("fresh.db"));
  REQUIRE_FALSE(fresh.session.open());
  fresh.pair(s);
  CHECK(fresh.session.backend()->log().restoring());
  CHECK(fresh.session.install_snapshot() == session::SnapshotOutcome::Installed);
  CHECK(patients(fresh.session) == 1);
  CHECK(fresh.session.restored_from_snapshot() > 0);
  CHECK(fresh.books.replaced == 1);
  CHECK(fresh.session.install_snapshot() == session::SnapshotOutcome::None);  // once

  // Another new device that took a patient during the download: its work is kept, the snapshot
  // dropped, and the log pulled on top instead.
  Device busy(folder.file("busy.db"));
  REQUIRE_FALSE(busy.session.open());
  busy.pair(s);
  exec(busy.session, {{"cmd", "patient.create"}, {"name", "Arrivée pendant le téléchargement"}});
  CHECK(busy.session.install_snapshot() == session::SnapshotOutcome::KeptLocalWork);
  CHECK_FALSE(std::filesystem::exists(folder.file("busy.db.snapshot")));
  CHECK_FALSE(busy.session.backend()->log().restoring());
  CHECK(busy.books.replaced == 0);
  busy.session.backend()->log().sync_now();
  CHECK(patients(busy.session) == 2);
}
