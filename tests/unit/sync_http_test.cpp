// Sync over HTTP against the real quittance-server (docs/sync.md): two devices of one clinic
// pair, exchange their operations through /api/sync/push and /pull, pay the same invoice while
// offline and converge (the surplus kept as credit and flagged); the server refuses a forged
// origin, a stale base, an unknown protocol and a malformed operation, storing nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "app/commands.h"
#include "httplib_transport.h"
#include "server/devices/devices.h"
#include "server/sync/books_import.h"
#include "server_fixture.h"
#include "store/migrations.h"
#include "sync/replica.h"
#include "sync/sync_client.h"
#include "synced_device.h"

using namespace quittance;
using namespace quittance::server;
using namespace quittance::server::testing;

namespace {

// A downloaded snapshot, as the page writes it into its file system.
void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace

TEST_CASE("two devices pay the same invoice offline and converge through the server") {
  ApiServer s;
  SyncedDevice reception(s, "A"), practitioner(s, "B");
  reception.exec({{"cmd", "patient.create"}, {"id", "p-lea"}, {"name", "Léa Moreau"}});
  reception.exec({{"cmd", "invoice.create"}, {"id", "inv-1"}, {"patient_id", "p-lea"},
                  {"lines", {{{"label", "Séance"}, {"unit_price", 6000}}}}});
  CHECK(reception.exec({{"cmd", "invoice.issue"}, {"id", "inv-1-issue"}, {"invoice_id", "inv-1"}})["number"] ==
        "F-2026-A-000001");
  const sync::SyncOutcome first = reception.sync();
  CHECK(first.ok);
  CHECK(first.pushed == 3);
  CHECK(practitioner.sync().ok);
  CHECK(practitioner.query({{"cmd", "invoice.get"}, {"invoice_id", "inv-1"}})["number"] == "F-2026-A-000001");

  // Offline, each records the patient's payment of the whole invoice.
  reception.http.offline = practitioner.http.offline = true;
  for (SyncedDevice* d : {&reception, &practitioner}) {
    d->exec({{"cmd", "payment.create"}, {"id", "pay-" + d->link.device_id}, {"patient_id", "p-lea"},
             {"payment_type_id", "cash"}, {"amount", 6000}, {"allocations", {{{"invoice_id", "inv-1"}, {"amount", 6000}}}}});
  }
  const sync::SyncOutcome cut = reception.sync();
  CHECK_FALSE(cut.ok);
  CHECK_FALSE(cut.reached);
  CHECK(reception.replica.pending_count() == 1);  // kept, to send later

  reception.http.offline = practitioner.http.offline = false;
  CHECK(practitioner.sync().ok);
  const sync::SyncOutcome late = reception.sync();  // stale: pulls, rebases, pushes
  CHECK(late.ok);
  CHECK(late.rebased == 1);
  CHECK(practitioner.sync().ok);

  for (SyncedDevice* d : {&reception, &practitioner}) {
    CAPTURE(d->link.device_id);
    const Json inv = d->query({{"cmd", "invoice.get"}, {"invoice_id", "inv-1"}});
    CHECK(inv["status"] == "paid");
    CHECK(inv["allocations"].size() == 1);
    const Json balance = d->query({{"cmd", "patient.balance"}, {"patient_id", "p-lea"}});
    CHECK(balance["paid"] == 12000);
    CHECK(balance["credit"] == 6000);  // the second payment, whole, as the patient's credit
    CHECK(d->replica.pending_count() == 0);
  }
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops") == 5);
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops WHERE op_id LIKE 'pay-%'") == 2);

  // The surplus is listed for review on both devices; « Vu » on one clears it on both.
  const std::string late_payment = "pay-" + reception.link.device_id;
  for (SyncedDevice* d : {&reception, &practitioner}) {
    const Json items = d->query({{"cmd", "review.list"}})["items"];
    REQUIRE(items.size() == 1);
    CHECK(items[0]["kind"] == "surplus_credit");
    CHECK(items[0]["command_id"] == late_payment);
    CHECK(items[0]["invoice_number"] == "F-2026-A-000001");
    CHECK(items[0]["patient_name"] == "Léa Moreau");
    CHECK(items[0]["amount"] == 6000);
  }
  practitioner.exec({{"cmd", "review.dismiss"}, {"id", "seen-1"}, {"command_id", late_payment}, {"invoice_id", "inv-1"}});
  CHECK(practitioner.commands.exec({{"cmd", "review.dismiss"}, {"id", "seen-2"}, {"command_id", late_payment},
                                    {"invoice_id", "inv-1"}})["error"]["code"] == "not_found");
  CHECK(practitioner.sync().ok);
  CHECK(reception.sync().ok);
  CHECK(reception.query({{"cmd", "review.list"}})["items"].empty());
}

TEST_CASE("the server refuses a forged origin, a stale base, another protocol and a malformed operation") {
  ApiServer s;
  SyncedDevice a(s, "A"), b(s, "B");
  a.exec({{"cmd", "patient.create"}, {"id", "p-1"}, {"name", "Léa"}});
  const Json op = sync::op_to_json(a.replica.outbox(1).at(0));
  auto push = [&](const std::string& token, const Json& body) {
    return s.post("/api/sync/push", body.dump(), "application/json", ApiServer::bearer(token));
  };
  // B sends A's operation as its own: refused, nothing stored.
  const Json forged = body_of(push(b.link.token, {{"protocol", 1}, {"base", 0}, {"ops", {op}}}));
  CHECK(forged["accepted"].empty());
  CHECK(forged["refused"][0]["code"] == "forbidden");
  CHECK(forged["refused"][0]["id"] == op["id"]);
  CHECK(error_of(push(a.link.token, {{"protocol", 2}, {"base", 0}, {"ops", {op}}})) ==
        std::pair<int, std::string>{400, "unsupported_protocol"});
  // A malformed operation is refused with its index; what came before it is taken.
  Json broken = op;
  broken.erase("body");
  const Json partial = body_of(push(a.link.token, {{"protocol", 1}, {"base", 0}, {"ops", {op, broken}}}));
  CHECK(partial["accepted"].size() == 1);
  CHECK(partial["refused"][0]["index"] == 1);
  CHECK(partial["refused"][0]["code"] == "malformed_operation");
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops") == 1);
  CHECK(error_of(push(a.link.token, {{"protocol", 1}, {"base", 0}, {"ops", {op}}})) ==
        std::pair<int, std::string>{409, "stale"});
  CHECK(s.get("/api/sync/pull?after=0")->status == 401);
  CHECK(error_of(s.get("/api/sync/pull?after=-1", ApiServer::bearer(a.link.token))) ==
        std::pair<int, std::string>{400, "invalid_argument"});
}

using Err = std::pair<int, std::string>;

TEST_CASE("pairing gives each device its own series, and another practice's books never join") {
  ApiServer s;
  auto new_code = [&s] {
    return body_of(s.post("/api/devices/pairing-code", "{}", "application/json", ApiServer::bearer(s.admin.device_token)))
        ["code"]
            .get<std::string>();
  };
  auto pair = [&s](const std::string& code, const Json& books) {
    Json body = {{"code", code}, {"name", "Poste"}};
    if (!books.is_null()) body["books"] = books;
    return s.post("/api/devices/pair", body.dump());
  };
  // The clinic's log is empty: a device with books never synced elsewhere brings them.
  auto first = pair(new_code(), Json{{"has_books", true}, {"clinic_id", ""}, {"cursor", 0}});
  REQUIRE(first);
  CHECK(first->status == 201);
  CHECK(body_of(first)["series"] == "A");
  CHECK(body_of(first)["log_head"] == 0);
  // ... but not the books of a clinic it synced with before, even into an empty log; nor a
  // second device's books once the first has its series (they may be numbered in it).
  CHECK(error_of(pair(new_code(), Json{{"has_books", true}, {"clinic_id", "elsewhere"}, {"cursor", 12}})) ==
        Err{409, "device_has_books"});
  CHECK(error_of(pair(new_code(), Json{{"has_books", true}, {"clinic_id", ""}, {"cursor", 0}})) ==
        Err{409, "device_has_books"});

  SyncedDevice reception(s, "B");  // the next letter, whatever its name says
  CHECK(s.count("SELECT COUNT(*) FROM devices WHERE series = 'B'") == 1);
  const Json who = body_of(s.get("/api/whoami", ApiServer::bearer(reception.link.token)));
  CHECK(who["series"] == "B");
  CHECK(body_of(s.get("/api/whoami", ApiServer::bearer(s.admin.device_token)))["series"] == "");
  reception.exec({{"cmd", "patient.create"}, {"id", "p-1"}, {"name", "Léa Moreau"}});
  REQUIRE(reception.sync().ok);

  // Now the log has operations: a device with other books is refused, the code left valid.
  const std::string code = new_code();
  CHECK(error_of(pair(code, Json{{"has_books", true}, {"clinic_id", ""}, {"cursor", 0}})) ==
        Err{409, "device_has_books"});
  CHECK(s.count("SELECT COUNT(*) FROM pairing_codes WHERE used = 0") >= 1);
  // The same device, emptied, joins with that code; one holding this clinic's books rejoins.
  auto empty = pair(code, Json{{"has_books", false}, {"clinic_id", ""}, {"cursor", 0}});
  REQUIRE(empty);
  CHECK(empty->status == 201);
  CHECK(body_of(empty)["series"] == "C");
  CHECK(body_of(empty)["log_head"] == 1);
  auto rejoin = pair(new_code(), Json{{"has_books", true}, {"clinic_id", s.admin.clinic_id}, {"cursor", 1}});
  REQUIRE(rejoin);
  CHECK(body_of(rejoin)["series"] == "D");
  CHECK(error_of(pair(new_code(), Json{{"has_books", "yes"}})) == Err{400, "invalid_argument"});
}

TEST_CASE("series letters: A to Z, then AA") {
  CHECK(series_for_index(0) == "A");
  CHECK(series_for_index(25) == "Z");
  CHECK(series_for_index(26) == "AA");
  CHECK(series_for_index(27) == "AB");
  CHECK(series_for_index(51) == "AZ");
  CHECK(series_for_index(52) == "BA");
  // The online payments' series (core::kOnlineSeries) is never a device's: the next one takes its turn.
  CHECK(series_for_index(15678) == "WEA");
  CHECK(series_for_index(15679) == "WEC");
  for (std::int64_t n = 15000; n < 16500; ++n) CHECK(series_for_index(n) != "WEB");
}

TEST_CASE("a new device restores from the server's snapshot: the same books, then only what follows") {
  ApiServer s;
  SyncedDevice reception(s, "A");
  auto no_snapshot = s.get("/api/sync/snapshot", ApiServer::bearer(reception.link.token));
  REQUIRE(no_snapshot);
  CHECK(no_snapshot->status == 204);  // an empty log: nothing to restore
  reception.exec({{"cmd", "patient.create"}, {"id", "p-lea"}, {"name", "Léa Moreau"}});
  reception.exec({{"cmd", "invoice.create"}, {"id", "inv-1"}, {"patient_id", "p-lea"},
                  {"lines", {{{"label", "Séance"}, {"unit_price", 6000}}}}});
  reception.exec({{"cmd", "invoice.issue"}, {"id", "inv-1-issue"}, {"invoice_id", "inv-1"}});
  reception.exec({{"cmd", "payment.create"}, {"id", "pay-1"}, {"patient_id", "p-lea"}, {"payment_type_id", "cash"},
                  {"amount", 2500}, {"allocations", {{{"invoice_id", "inv-1"}, {"amount", 2500}}}}});
  REQUIRE(reception.sync().ok);

  auto res = s.get("/api/sync/snapshot", ApiServer::bearer(reception.link.token));
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("X-Quittance-Seq") == "4");
  CHECK(error_of(s.get("/api/sync/snapshot")) == Err{401, "unauthorized"});

  // The bytes are a clinic database at the log's head, counted in this clinic's log.
  const std::filesystem::path file = std::filesystem::temp_directory_path() / ("snapshot-" + std::to_string(s.port) + ".db");
  write_file(file, res->body);
  SyncedDevice restored(s, "B", file.string());
  CHECK(restored.replica.cursor() == 4);
  CHECK(restored.replica.clinic() == s.admin.clinic_id);
  const Json invoice = restored.query({{"cmd", "invoice.get"}, {"invoice_id", "inv-1"}});
  CHECK(invoice["number"] == "F-2026-A-000001");
  CHECK(invoice["due"] == 3500);
  CHECK(restored.query({{"cmd", "audit.verify"}})["intact"] == true);
  // Nothing pulled twice; what follows comes as usual, both ways.
  const sync::SyncOutcome first = restored.sync();
  CHECK(first.ok);
  CHECK(first.pulled == 0);
  restored.exec({{"cmd", "payment.create"}, {"id", "pay-2"}, {"patient_id", "p-lea"}, {"payment_type_id", "cash"},
                 {"amount", 3500}, {"allocations", {{{"invoice_id", "inv-1"}, {"amount", 3500}}}}});
  CHECK(restored.sync().pushed == 1);
  CHECK(reception.sync().ok);
  CHECK(reception.query({{"cmd", "invoice.get"}, {"invoice_id", "inv-1"}})["status"] == "paid");
  // The next snapshot starts from the kept copy and takes the new operation.
  auto next = s.get("/api/sync/snapshot", ApiServer::bearer(reception.link.token));
  REQUIRE(next);
  CHECK(next->get_header_value("X-Quittance-Seq") == "5");
  std::filesystem::remove(file);
}

TEST_CASE("books brought onto the server: restored whole from the snapshot, and the same by replaying the log") {
  ApiServer s;
  // A practice's books, written in one browser before any server (no origin recorded).
  const std::filesystem::path file = s.root.path / "books.db";
  {
    store::Database books = store::Database::open(file.string());
    store::migrate(books, store::clinic_migrations());
    app::CommandLayer commands(books, app::fixed_clock({2026, 11, 20}));
    auto run = [&](Json cmd) { REQUIRE_MESSAGE(commands.exec(cmd)["ok"] == true, cmd.dump()); };
    run({{"cmd", "patient.create"}, {"id", "p-lea"}, {"name", "Léa Moreau"}});
    run({{"cmd", "invoice.create"}, {"id", "inv-1"}, {"patient_id", "p-lea"},
         {"lines", {{{"label", "Séance"}, {"unit_price", 6000}}}}});
    run({{"cmd", "invoice.issue"}, {"id", "inv-1-issue"}, {"invoice_id", "inv-1"}});
    run({{"cmd", "payment.create"}, {"id", "pay-1"}, {"patient_id", "p-lea"}, {"payment_type_id", "cash"},
         {"amount", 8000}, {"allocations", {{{"invoice_id", "inv-1"}, {"amount", 6000}}}}});
  }
  const std::string snapshots = (s.root.path / "data" / "snapshots").string();
  const ImportedBooks imported = s.db->with([&](Sql& d) {
    return import_books(d, s.admin.clinic_id, file.string(), snapshots, "2026-11-21T10:00:00Z");
  });
  CHECK(imported.operations == 4);
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops WHERE device_id = 'import'") == 4);
  // Once only: the clinic has a log now.
  CHECK_THROWS_AS(s.db->with([&](Sql& d) {
                    return import_books(d, s.admin.clinic_id, file.string(), snapshots, "2026-11-21T10:00:00Z");
                  }),
                  std::runtime_error);
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops") == 4);

  // A new device restores the snapshot: the very books, at the log's head.
  SyncedDevice reader(s, "B");
  auto res = s.get("/api/sync/snapshot", ApiServer::bearer(reader.link.token));
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("X-Quittance-Seq") == "4");
  const std::filesystem::path restored_file = s.root.path / "restored.db";
  write_file(restored_file, res->body);
  SyncedDevice restored(s, "C", restored_file.string());
  CHECK(restored.replica.cursor() == 4);
  CHECK(restored.replica.pending_count() == 0);
  CHECK(restored.query({{"cmd", "invoice.get"}, {"invoice_id", "inv-1"}})["number"] == "F-2026-A-000001");
  CHECK(restored.query({{"cmd", "audit.verify"}})["intact"] == true);
  // Another one replays the log from the start instead: the same books.
  CHECK(reader.sync().ok);
  for (SyncedDevice* d : {&restored, &reader}) {
    CHECK(d->query({{"cmd", "invoice.get"}, {"invoice_id", "inv-1"}})["number"] == "F-2026-A-000001");
    CHECK(d->query({{"cmd", "patient.balance"}, {"patient_id", "p-lea"}})["credit"] == 2000);
  }
}
