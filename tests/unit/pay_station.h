// A clinic's device for server tests: its own books and clock, exchanging with the clinic's
// log through /api/sync/push and /api/sync/pull with its token (the server's facts come that
// way), and the payment requests a payment page is opened with.
#pragma once
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "app/command_id.h"
#include "app/commands.h"
#include "core/schedule.h"
#include "server_fixture.h"
#include "store/migrations.h"
#include "sync/replica.h"

namespace quittance::server::testing {

// 43 characters of base64url, as the app draws them (32 random bytes).
inline std::string new_token() {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  static std::mt19937_64 random{std::random_device{}()};
  std::string token;
  for (int i = 0; i < 43; ++i) token += alphabet[random() % 64];
  return token;
}

// A clinic's device: its own books and clock, exchanging with the clinic's log through
// /api/sync/push and /api/sync/pull with its token (the server's facts come that way).
struct Station {
  ApiServer& s;
  NewDevice identity;
  std::int64_t offset = 0;  // the device's clock, in seconds from the real one
  store::Database db = store::Database::open(":memory:");
  app::Clock clock{[this] { return core::format_utc_instant(system_now() + offset); },
                   [this] { return core::civil_from_days((system_now() + offset) / 86400); }};
  app::CommandLayer commands{db, clock};
  sync::Replica replica{db, commands};

  Station(ApiServer& server, NewDevice who) : s(server), identity(std::move(who)) {
    store::migrate(db, store::clinic_migrations());
    exec({{"cmd", "settings.set"}, {"key", "device.series"}, {"value", "A"}});
    commands.set_origin(identity.device_id, "A");
    exec({{"cmd", "settings.set"}, {"key", "practice.name"}, {"value", "Cabinet Ébène"}});
    exec({{"cmd", "settings.set"}, {"key", "practice.email"}, {"value", "contact@ebene.fr"}});
  }
  httplib::Headers auth() const { return ApiServer::bearer(identity.device_token); }

  Json exec(Json cmd) {
    if (!cmd.contains("id")) cmd["id"] = app::new_command_id();
    Json answer = commands.exec(cmd);
    REQUIRE_MESSAGE(answer["ok"] == true, answer.dump());
    return answer["result"];
  }
  Json query(const Json& cmd) {
    Json answer = commands.query(cmd);
    REQUIRE_MESSAGE(answer["ok"] == true, answer.dump());
    return answer["result"];
  }
  // Pushes the outbox; when the log moved meanwhile (the server wrote a fact into it), pulls
  // first, as sync::SyncClient does.
  void push() {
    for (int round = 0; round < 3; ++round) {
      Json ops = Json::array();
      for (const app::Op& op : replica.outbox(500)) ops.push_back(sync::op_to_json(op));
      if (ops.empty()) return;
      const std::int64_t base = replica.cursor();
      const Json answer = body_of(s.post("/api/sync/push", Json{{"protocol", 1}, {"base", base}, {"ops", ops}}.dump(),
                                         "application/json", auth()));
      if (answer["ok"] == false && answer["error"]["code"] == "stale") {
        pull();
        continue;
      }
      REQUIRE_MESSAGE(answer["ok"] == true, answer.dump());
      std::vector<std::pair<std::string, std::int64_t>> seqs;
      for (const Json& a : answer["accepted"]) seqs.emplace_back(a["id"], a["seq"]);
      replica.accepted(seqs, base);
      return;
    }
    FAIL("the log kept moving");
  }
  // The clinic's log pulled and applied: the facts the server wrote into it among the rest.
  void pull() {
    const Json page =
        body_of(s.get("/api/sync/pull?after=" + std::to_string(replica.cursor()) + "&limit=1000", auth()));
    std::vector<app::Op> ops;
    for (const Json& j : page["ops"]) {
      app::Op op;
      std::string field;
      REQUIRE_MESSAGE(sync::op_from_json(j, &op, &field), field);
      ops.push_back(op);
    }
    replica.apply_pulled(ops);
  }
  // An exchange: what the server learnt (a payment on the page) is in the books after it.
  void sync() {
    pull();
    push();
  }

  std::string patient(const std::string& name, const std::string& email = "") {
    Json cmd = {{"cmd", "patient.create"}, {"name", name}};
    if (!email.empty()) cmd["email"] = email;
    return exec(cmd)["patient_id"];
  }
  std::string invoice(const std::string& patient_id, std::int64_t price) {
    const std::string id =
        exec({{"cmd", "invoice.create"},
              {"patient_id", patient_id},
              {"lines", {{{"label", "Séance d'ostéopathie"}, {"unit_price", price}}}}})["invoice_id"];
    exec({{"cmd", "invoice.issue"}, {"invoice_id", id}});
    return id;
  }
  // A payment request made here and pushed: its link works from now on. Returns its token.
  std::string request(Json cmd, std::string token = new_token()) {
    cmd["cmd"] = "payment_request.create";
    cmd["token"] = token;
    exec(cmd);
    push();
    return token;
  }
  Json request_row(const std::string& token) {
    const Json items = query({{"cmd", "payment_request.list"}})["items"];  // a copy: the loop's range
    for (const Json& r : items)
      if (r["token"] == token) return r;
    FAIL("no request for this token");
    return {};
  }
};

}  // namespace quittance::server::testing
