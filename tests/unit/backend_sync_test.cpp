// The page's sync loop (sync::Backend with a database) against the real quittance-server: a
// device's books written before pairing reach the clinic once paired, a second device pairs
// and gets them with the same numbers in its own series, a device holding another practice's
// books is refused and keeps them, and going offline leaves operations waiting, not lost.
#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <string>

#include "app/command_id.h"
#include "app/commands.h"
#include "httplib_transport.h"
#include "server_fixture.h"
#include "store/migrations.h"
#include "sync/backend.h"

using namespace quittance;
using namespace quittance::server;
using namespace quittance::server::testing;

namespace {

struct Station {
  store::Database db = store::Database::open(":memory:");
  app::CommandLayer commands{db, app::fixed_clock({2026, 11, 21})};
  quittance::testing::HttplibTransport http;
  std::optional<sync::DeviceLink> saved;
  int synced = 0;
  sync::Backend backend{http, commands, [this](const sync::DeviceLink& l) { saved = l; }, &db};
  double now = 0;

  // `start` false: the caller writes first, as an earlier Quittance did (no origin recorded).
  explicit Station(bool start = true) {
    store::migrate(db, store::clinic_migrations());
    backend.log().on_synced([this] { ++synced; });
    if (start) backend.start({});
  }
  Json exec(Json cmd) {
    cmd["id"] = app::new_command_id();
    Json answer = commands.exec(cmd);
    REQUIRE_MESSAGE(answer["ok"] == true, answer.dump());
    backend.log().local_change();
    return answer["result"];
  }
  Json query(const Json& cmd) { return commands.query(cmd)["result"]; }
  sync::CallResult pair(ApiServer& s) {
    const Json code =
        body_of(s.post("/api/devices/pairing-code", "{}", "application/json", ApiServer::bearer(s.admin.device_token)));
    std::optional<sync::CallResult> result;
    backend.pairing().pair("http://127.0.0.1:" + std::to_string(s.port), code["code"], "Poste",
                 [&](const sync::CallResult& r) { result = r; });
    REQUIRE(result);  // synchronous transport
    return *result;
  }
  // Time passes, as the page's one-second timer tells it.
  void wait(double ms) {
    for (double end = now + ms; now < end;) backend.tick(now += 1000);
  }
};

std::string issue_invoice(Station& d, const std::string& patient) {
  const std::string id = d.exec({{"cmd", "invoice.create"},
                                 {"patient_id", patient},
                                 {"lines", {{{"label", "Séance"}, {"unit_price", 5000}}}}})["invoice_id"];
  d.exec({{"cmd", "invoice.issue"}, {"invoice_id", id}});
  return id;
}

}  // namespace

TEST_CASE("sync loop: books written before pairing reach the clinic; a second device gets them") {
  ApiServer s;
  Station reception;
  CHECK(reception.backend.log().state() == sync::SyncState::Off);
  REQUIRE(reception.saved);
  CHECK(reception.saved->local_id.size() == 36);  // made at first start, kept
  const std::string patient = reception.exec({{"cmd", "patient.create"}, {"name", "Léa Moreau"}})["patient_id"];
  const std::string invoice = issue_invoice(reception, patient);
  CHECK(reception.query({{"cmd", "invoice.get"}, {"invoice_id", invoice}})["number"] == "F-2026-A-000001");
  CHECK(reception.backend.log().pending() == 3);  // recorded, to send once paired

  // Pairing: the log is empty, so these books become the clinic's; sent at once.
  REQUIRE(reception.pair(s).ok());
  CHECK(reception.saved->series == "A");
  CHECK(reception.saved->local_id.size() == 36);
  CHECK(reception.backend.log().pending() == 0);
  CHECK(reception.backend.log().state() == sync::SyncState::UpToDate);
  CHECK(reception.synced >= 1);
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops") == 3);
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops WHERE device_id = '" + reception.saved->device_id + "'") == 3);

  // A second, empty device restores the clinic and numbers in its own series.
  Station practitioner;
  REQUIRE(practitioner.pair(s).ok());
  CHECK(practitioner.saved->series == "B");
  CHECK(practitioner.query({{"cmd", "invoice.get"}, {"invoice_id", invoice}})["number"] == "F-2026-A-000001");
  CHECK(practitioner.query({{"cmd", "settings.get"}, {"key", "device.series"}}) == "B");
  const std::string second = issue_invoice(practitioner, patient);
  CHECK(practitioner.query({{"cmd", "invoice.get"}, {"invoice_id", second}})["number"] == "F-2026-B-000001");
  CHECK(practitioner.backend.log().pending() == 2);
  practitioner.wait(1000);  // a change here is sent within a second
  CHECK(practitioner.backend.log().pending() == 0);
  reception.wait(10'000);  // and the other device takes it at its next exchange
  CHECK(reception.query({{"cmd", "invoice.get"}, {"invoice_id", second}})["number"] == "F-2026-B-000001");
  // The device setting stayed on each device: never sent.
  CHECK(reception.query({{"cmd", "settings.get"}, {"key", "device.series"}}) == "A");
}

TEST_CASE("sync loop: another practice's books are refused at pairing and kept") {
  ApiServer s;
  Station first;
  first.exec({{"cmd", "patient.create"}, {"name", "Léa Moreau"}});
  REQUIRE(first.pair(s).ok());

  Station other;
  other.exec({{"cmd", "patient.create"}, {"name", "Autre cabinet"}});
  const sync::CallResult refused = other.pair(s);
  CHECK(refused.status == 409);
  CHECK(refused.code == "device_has_books");
  CHECK_FALSE(other.backend.server().link().paired());
  CHECK(other.backend.log().pending() == 1);  // still here, still its own
  CHECK(other.query({{"cmd", "patient.list"}})["total"] == 1);
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops") == 1);
}

TEST_CASE("sync loop: offline, operations wait and are counted; back online they are sent") {
  ApiServer s;
  Station d;
  REQUIRE(d.pair(s).ok());
  d.http.offline = true;
  d.exec({{"cmd", "patient.create"}, {"name", "Léa Moreau"}});
  d.wait(1000);
  CHECK(d.backend.server().connection() == sync::Connection::Offline);
  CHECK(d.backend.log().pending() == 1);
  CHECK(d.backend.log().error() == "network");
  d.exec({{"cmd", "patient.create"}, {"name", "Hugo Bernard"}});
  CHECK(d.backend.log().pending() == 2);
  d.http.offline = false;
  d.wait(65'000);  // the backoff ends within a minute
  CHECK(d.backend.log().pending() == 0);
  CHECK(d.backend.log().state() == sync::SyncState::UpToDate);
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops") == 2);

  // Unpaired, the device keeps its own origin for what it writes next.
  const std::string local_id = d.saved->local_id;
  d.backend.forget();
  CHECK(d.saved->local_id == local_id);
  CHECK(d.backend.log().state() == sync::SyncState::Off);
}

TEST_CASE("sync loop: books older than sync are refused at pairing, before the code is spent") {
  ApiServer s;
  Station old(/*start=*/false);
  REQUIRE(old.commands.exec({{"cmd", "patient.create"}, {"id", "p-old"}, {"name", "Léa Moreau"}})["ok"] == true);
  old.backend.start({});
  CHECK(old.backend.log().pending() == 0);  // nothing recorded to send
  const sync::CallResult refused = old.pair(s);
  CHECK(refused.status == 409);
  CHECK(refused.code == "books_need_import");
  CHECK_FALSE(old.backend.server().link().paired());
  CHECK(s.count("SELECT COUNT(*) FROM pairing_codes WHERE used = 0") == 1);
  CHECK(s.count("SELECT COUNT(*) FROM devices") == 1);

  // Paired by an earlier version, such a device does not sync and says why.
  Station paired;
  REQUIRE(paired.pair(s).ok());
  Station earlier(/*start=*/false);
  REQUIRE(earlier.commands.exec({{"cmd", "patient.create"}, {"id", "p-old2"}, {"name", "Hugo"}})["ok"] == true);
  earlier.backend.start(*paired.saved);
  earlier.wait(11'000);
  CHECK(earlier.backend.log().state() == sync::SyncState::Failed);
  CHECK(earlier.backend.log().error() == "books_need_import");
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops") == 0);
}

TEST_CASE("sync loop: a snapshot downloaded for a link given up meanwhile is not installed") {
  ApiServer s;
  Station first;
  first.exec({{"cmd", "patient.create"}, {"name", "Léa Moreau"}});
  REQUIRE(first.pair(s).ok());
  REQUIRE(first.backend.log().pending() == 0);

  Station fresh;
  std::function<bool(bool)> finished;
  fresh.backend.log().set_snapshot_installer(
      [&](const sync::DeviceLink&, std::function<bool(bool)> done) { finished = std::move(done); });
  REQUIRE(fresh.pair(s).ok());
  REQUIRE(finished);  // the log has operations and this device no books: a snapshot is fetched
  CHECK(fresh.backend.log().restoring());
  fresh.wait(11'000);
  CHECK(fresh.query({{"cmd", "patient.list"}})["total"] == 0);  // no exchange while restoring
  fresh.backend.forget();
  CHECK_FALSE(fresh.backend.log().restoring());
  CHECK_FALSE(finished(true));  // the download ends after: dropped

  // A failed download: the device pulls the log instead.
  std::function<bool(bool)> again;
  fresh.backend.log().set_snapshot_installer(
      [&](const sync::DeviceLink&, std::function<bool(bool)> done) { again = std::move(done); });
  REQUIRE(fresh.pair(s).ok());
  REQUIRE(again);
  CHECK_FALSE(again(false));
  CHECK_FALSE(fresh.backend.log().restoring());
  fresh.wait(1000);
  CHECK(fresh.query({{"cmd", "patient.list"}})["total"] == 1);
}
