// A device of a clinic paired with the in-process server (server_fixture.h): its own clinic
// database, command layer, replica and sync client over real HTTP. `device_role` is the
// ceiling the pairing code gives it.
#pragma once
#include <optional>
#include <string>

#include "app/commands.h"
#include "httplib_transport.h"
#include "server_fixture.h"
#include "store/migrations.h"
#include "sync/device_link.h"
#include "sync/replica.h"
#include "sync/sync_client.h"

namespace quittance::server::testing {

struct SyncedDevice {
  store::Database db;
  app::CommandLayer commands{db, app::fixed_clock({2026, 11, 21})};
  sync::Replica replica{db, commands};
  quittance::testing::HttplibTransport http;
  sync::SyncClient client{http, replica};
  sync::DeviceLink link;

  // `file`: the device's database (a restored snapshot); in memory by default.
  SyncedDevice(ApiServer& s, const std::string& series, const std::string& file = ":memory:",
               const std::string& device_role = "owner")
      : db(store::Database::open(file)) {
    store::migrate(db, store::clinic_migrations());
    const Json code = body_of(s.post("/api/devices/pairing-code", Json{{"device_role", device_role}}.dump(),
                                     "application/json", ApiServer::bearer(s.admin.device_token)));
    const Json paired = body_of(s.post("/api/devices/pair", Json{{"code", code["code"]}, {"name", series}}.dump()));
    link.server_url = "http://127.0.0.1:" + std::to_string(s.port);
    link.device_id = paired["device_id"];
    link.token = paired["device_token"];
    REQUIRE(commands.exec({{"cmd", "settings.set"}, {"id", "series-" + series}, {"key", "device.series"},
                           {"value", series}})["ok"] == true);
    commands.set_origin(link.device_id, series);
  }
  sync::SyncOutcome sync() {
    std::optional<sync::SyncOutcome> out;
    REQUIRE(client.run(link, [&](const sync::SyncOutcome& o) { out = o; }));
    REQUIRE(out);  // synchronous transport: done before run() returns
    return *out;
  }
  Json exec(Json cmd) {
    Json answer = commands.exec(cmd);
    REQUIRE_MESSAGE(answer["ok"] == true, answer.dump());
    return answer["result"];
  }
  Json query(Json cmd) { return commands.query(cmd)["result"]; }
};


}  // namespace quittance::server::testing
