// What a hostile or broken device can push (docs/sync.md, « Validated at the door »): deep
// nesting, operations that are not operations, another device's series, more than its role
// allows. The server refuses each with a reason and stores nothing of it; the device keeps it
// as refused and sends what followed it; a log poisoned by an older server heals at start-up
// and every replica moves past it.
#include <doctest/doctest.h>

#include "app/op_check.h"
#include "server/sync/log_repair.h"
#include "server/sync/snapshots.h"
#include "synced_device.h"

using namespace quittance;
using namespace quittance::server;
using namespace quittance::server::testing;

namespace {

httplib::Result push(ApiServer& s, const std::string& token, const Json& ops, std::int64_t base = 0) {
  return s.post("/api/sync/push", Json{{"protocol", 1}, {"base", base}, {"ops", ops}}.dump(), "application/json",
                ApiServer::bearer(token));
}

// An operation of `device` whose fields the test then spoils.
Json op_of(SyncedDevice& device, const std::string& id) {
  device.exec({{"cmd", "patient.create"}, {"id", id}, {"name", "Léa " + id}});
  for (const app::Op& op : device.replica.outbox(100)) {
    if (op.id == id) return sync::op_to_json(op);
  }
  FAIL("no such pending operation");
  return {};
}

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("a body nested hundreds of thousands deep is refused at the door and crashes nothing") {
  ApiServer s;
  SyncedDevice a(s, "A");
  // In the envelope: refused while parsing.
  const std::string envelope = "{\"protocol\":1,\"base\":0,\"ops\":" + nested(300000) + "}";
  CHECK(error_of(s.post("/api/sync/push", envelope, "application/json", ApiServer::bearer(a.link.token))) ==
        std::pair<int, std::string>{400, "malformed_json"});
  // In an operation's body (a string holding JSON): refused, not stored.
  Json op = op_of(a, "p-deep");
  op["body"] = "{\"cmd\":\"patient.create\",\"id\":\"p-deep\",\"name\":" + nested(300000) + "}";
  const Json answer = body_of(push(s, a.link.token, Json::array({op})));
  INFO(answer.dump().substr(0, 300));
  CHECK(answer["accepted"].empty());
  CHECK(answer["refused"][0]["code"] == "malformed_operation");
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops") == 0);
  CHECK(s.get("/healthz")->status == 200);
}

TEST_CASE("operations that are not operations are refused one by one: the ones before are taken") {
  ApiServer s;
  SyncedDevice a(s, "A"), b(s, "B");
  const Json good = op_of(a, "p-good");
  struct Case {
    const char* what;
    std::function<void(Json&)> spoil;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"an invalid day", [](Json& o) { o["day"] = "2026-02-30"; }, "malformed_operation"},
      {"an invalid instant", [](Json& o) { o["at"] = "yesterday"; }, "malformed_operation"},
      {"an unknown name", [](Json& o) { o["name"] = "patient.obliterate"; }, "unknown_operation"},
      {"a query", [](Json& o) { o["name"] = "patient.list"; }, "malformed_operation"},
      {"a body that is not JSON", [](Json& o) { o["body"] = "{not json"; }, "malformed_operation"},
      {"a body that is not an object", [](Json& o) { o["body"] = "[1,2]"; }, "malformed_operation"},
      {"a body of another command", [](Json& o) { o["name"] = "invoice.create"; }, "malformed_operation"},
      {"a body with another id", [](Json& o) { o["id"] = "other-id"; }, "malformed_operation"},
      {"another device's series", [](Json& o) { o["series"] = "B"; }, "forbidden"},
      {"a refusal of its own", [](Json& o) { o["refused"] = {{"code", "x"}, {"message", "y"}}; }, "malformed_operation"},
  };
  std::int64_t head = 0;
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Json bad = op_of(a, std::string("p-") + std::to_string(head));
    c.spoil(bad);
    Json fine = good;
    if (head > 0) fine = op_of(a, "p-fine-" + std::to_string(head));
    Json after = op_of(a, "p-after-" + std::to_string(head));
    const Json answer = body_of(push(s, a.link.token, {fine, bad, after}, head));
    REQUIRE(answer["accepted"].size() == 1);
    CHECK(answer["refused"].size() == 1);
    CHECK(answer["refused"][0]["index"] == 1);
    CHECK(answer["refused"][0]["code"] == c.code);
    ++head;
    CHECK(answer["head"] == head);  // the one after the refusal waits
  }
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops") == head);
}

TEST_CASE("a device acts within the role its pairing code gave it, set and changed by an owner only") {
  ApiServer s;
  SyncedDevice owner(s, "A"), desk(s, "B", ":memory:", "billing"), viewer(s, "C", ":memory:", "read_only");
  // A reception tablet cannot let devices in, revoke the owner's device or raise itself.
  CHECK(error_of(s.post("/api/devices/pairing-code", "{}", "application/json", ApiServer::bearer(desk.link.token))) ==
        std::pair<int, std::string>{403, "forbidden"});
  const Json revoke = {{"device_id", owner.link.device_id}, {"role", "owner"}};
  CHECK(error_of(s.post("/api/devices/revoke", revoke.dump(), "application/json", ApiServer::bearer(desk.link.token))) ==
        std::pair<int, std::string>{403, "forbidden"});
  const Json raise = {{"device_id", desk.link.device_id}, {"role", "owner"}, {"device_role", "owner"}};
  CHECK(error_of(s.post("/api/devices/role", raise.dump(), "application/json", ApiServer::bearer(desk.link.token))) ==
        std::pair<int, std::string>{403, "forbidden"});
  CHECK(s.post("/api/devices/role", raise.dump(), "application/json", ApiServer::bearer(owner.link.token))->status ==
        200);
  const Json self = {{"device_id", owner.link.device_id}, {"role", "owner"}, {"device_role", "read_only"}};
  CHECK(error_of(s.post("/api/devices/role", self.dump(), "application/json", ApiServer::bearer(owner.link.token))) ==
        std::pair<int, std::string>{409, "cannot_change_self"});
  const Json lower = {{"device_id", desk.link.device_id}, {"role", "owner"}, {"device_role", "billing"}};
  CHECK(s.post("/api/devices/role", lower.dump(), "application/json", ApiServer::bearer(owner.link.token))->status ==
        200);
  CHECK(body_of(s.get("/api/whoami", ApiServer::bearer(desk.link.token)))["device_role"] == "billing");

  // Its operations: a billing device takes payments but does not change the practice's
  // settings, whatever user it says made them; a read-only one changes nothing.
  desk.exec({{"cmd", "patient.create"}, {"id", "p-desk"}, {"name", "Léa"}});
  desk.exec({{"cmd", "settings.set"}, {"id", "s-desk"}, {"key", "practice.name"}, {"value", "Pris"}});
  CHECK(desk.sync().refused == 1);
  CHECK(desk.replica.refused_by_server_count() == 1);
  CHECK(desk.replica.last_refusal().find("settings.set") == 0);
  CHECK(desk.replica.pending_count() == 0);
  viewer.exec({{"cmd", "patient.create"}, {"id", "p-viewer"}, {"name", "Paul"}});
  CHECK(viewer.sync().refused == 1);
  CHECK(owner.sync().ok);
  CHECK(owner.query({{"cmd", "settings.get"}, {"key", "practice.name"}}) != "Pris");
  CHECK(owner.query({{"cmd", "patient.list"}})["total"] == 1);
  // The desk's own books no longer hold what the server refused.
  CHECK(desk.query({{"cmd", "settings.get"}, {"key", "practice.name"}}) != "Pris");
}

TEST_CASE("a refused operation is kept on its device, and what followed it is sent without it") {
  ApiServer s;
  SyncedDevice a(s, "A"), b(s, "B");
  a.exec({{"cmd", "patient.create"}, {"id", "p-1"}, {"name", "Léa Moreau"}});
  // The device was told to number in B's series (a damaged setting): its invoice is refused.
  a.commands.set_origin(a.link.device_id, "B");
  a.exec({{"cmd", "invoice.create"}, {"id", "inv-1"}, {"patient_id", "p-1"},
          {"lines", {{{"label", "Séance"}, {"unit_price", 6000}}}}});
  a.commands.set_origin(a.link.device_id, "A");
  a.exec({{"cmd", "patient.create"}, {"id", "p-2"}, {"name", "Paul Martin"}});
  const sync::SyncOutcome out = a.sync();
  CHECK(out.ok);
  CHECK(out.refused == 1);
  CHECK(a.replica.pending_count() == 0);
  CHECK(a.replica.refused_by_server_count() == 1);
  CHECK(a.query({{"cmd", "invoice.list"}})["total"] == 0);
  CHECK(b.sync().ok);
  CHECK(b.query({{"cmd", "patient.list"}})["total"] == 2);
  CHECK(b.query({{"cmd", "invoice.list"}})["total"] == 0);
  // Sent again by a confused device, it is refused again, never stored.
  CHECK(a.sync().ok);
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops WHERE op_id = 'inv-1'") == 0);
}

TEST_CASE("a log poisoned by an older server heals at start-up, and every replica moves past it") {
  TempDir root;
  const std::string data = (root.path / "data").string();
  const std::string url = fresh_database_url();
  std::string clinic;
  {
    std::unique_ptr<Sql> opened = open_server_database(data, url);
    Sql& db = *opened;
    const NewDevice admin = create_clinic(db, "Cabinet", system_now());
    clinic = admin.clinic_id;
    // As an older server stored them: whatever the device sent.
    app::Op op;
    op.actor = "owner";
    op.at = "2026-11-21T09:00:00Z";
    op.day = "2026-11-21";
    op.origin = admin.device_id;
    op.series = "A";
    auto add = [&](std::int64_t seq, app::Op o) {
      Json j = sync::op_to_json(o);
      db.prepare("INSERT INTO sync_ops(clinic_id, seq, op_id, device_id, op, received_at) VALUES (?, ?, ?, ?, ?, ?)")
          .bind(1, clinic).bind(2, seq).bind(3, o.id).bind(4, admin.device_id).bind(5, j.dump()).bind(6, "x")
          .step();
    };
    auto patient = [&](const std::string& id) {
      app::Op o = op;
      o.id = id;
      o.name = "patient.create";
      o.body = Json{{"cmd", "patient.create"}, {"id", id}, {"name", "Léa " + id}}.dump();
      return o;
    };
    add(1, patient("p-1"));
    app::Op deep = patient("p-deep");
    deep.body = "{\"cmd\":\"patient.create\",\"id\":\"p-deep\",\"name\":" + nested(200000) + "}";
    add(2, deep);
    app::Op bad_day = patient("p-day");
    bad_day.day = "2026-13-01";
    add(3, bad_day);
    app::Op unknown = patient("p-unknown");
    unknown.name = "patient.obliterate";
    add(4, unknown);
    app::Op not_json = patient("p-text");
    not_json.body = "not json";
    add(5, not_json);
    add(6, patient("p-2"));
    // As if this version had never opened it.
    db.exec("DELETE FROM op_log_checks");
  }
  std::unique_ptr<Sql> db = open_server_database(data, url);  // repairs
  CHECK(db->scalar("SELECT COUNT(*) FROM op_log_repairs") == 4);
  CHECK(repair_op_logs(*db, "again") == 0);  // once
  SharedDatabase shared(std::move(db), url);
  SnapshotStore books("");
  const std::int64_t cursor = books.read(shared, clinic, [](store::Database& d, app::CommandLayer& commands) {
    CHECK(commands.query({{"cmd", "patient.list"}})["result"]["total"] == 2);
    auto st = d.prepare("SELECT COUNT(*) FROM journal WHERE json_extract(result, '$.refused.code') IS NOT NULL");
    st.step();
    CHECK(st.column_int64(0) == 4);
    return sync::Replica(d, commands).cursor();
  });
  CHECK(cursor == 6);
}

TEST_CASE("replaying is total: a damaged operation is refused the same way everywhere, never stops the log") {
  store::Database db = store::Database::open(":memory:");
  store::migrate(db, store::clinic_migrations());
  app::CommandLayer commands(db, app::fixed_clock({2026, 11, 21}));
  sync::Replica replica(db, commands);
  app::Op op;
  op.actor = "owner";
  op.at = "2026-11-21T09:00:00Z";
  op.day = "2026-11-21";
  op.origin = "elsewhere";
  op.series = "Z";
  std::vector<app::Op> ops;
  for (int i = 1; i <= 4; ++i) {
    app::Op o = op;
    o.id = "op-" + std::to_string(i);
    o.name = "patient.create";
    o.body = Json{{"cmd", "patient.create"}, {"id", o.id}, {"name", "P" + std::to_string(i)}}.dump();
    o.server_seq = i;
    ops.push_back(o);
  }
  ops[1].body = "{\"cmd\":\"patient.create\",\"id\":\"op-2\",\"name\":" + nested(100000) + "}";
  ops[2].day = "2026-02-31";
  const sync::PullOutcome out = replica.apply_pulled(ops);
  CHECK(out.blocked.empty());
  CHECK(out.applied == 2);
  CHECK(out.refused == 2);
  CHECK(replica.cursor() == 4);
  // The journal of refusals reads back, deep body and all.
  const Json journal = commands.query({{"cmd", "journal.list"}});
  CHECK(journal["ok"] == true);
}

TEST_CASE("every operation an honest device makes passes the door") {
  ApiServer s;
  SyncedDevice a(s, "A");
  a.exec({{"cmd", "patient.create"}, {"id", "p-1"}, {"name", "Léa Moreau"}, {"email", "lea@example.fr"}});
  a.exec({{"cmd", "invoice.create"}, {"id", "inv-1"}, {"patient_id", "p-1"},
          {"lines", {{{"label", "Séance"}, {"unit_price", 6000}}}}});
  a.exec({{"cmd", "invoice.issue"}, {"id", "inv-1-issue"}, {"invoice_id", "inv-1"}});
  const Json request = a.commands.exec({{"cmd", "payment_request.create"}, {"id", "req-1"}, {"patient_id", "p-1"},
                                        {"kind", "invoices"}, {"invoice_ids", {"inv-1"}}, {"valid_days", 7},
                                        {"token", std::string(64, 'a')}});
  INFO(request.dump());
  const sync::SyncOutcome out = a.sync();
  INFO(a.replica.last_refusal());
  CHECK(out.ok);
  CHECK(out.refused == 0);
  CHECK(a.replica.pending_count() == 0);
}

TEST_CASE("quotas: a device that pushes too much waits for the next minute, a full clinic is told so") {
  ServerConfig config = test_config();
  config.quotas.ops_per_device_minute = 5;
  config.quotas.ops_per_clinic_minute = 8;
  ApiServer s(config);
  SyncedDevice a(s, "A"), b(s, "B");
  for (int i = 0; i < 6; ++i) a.exec({{"cmd", "patient.create"}, {"id", "a-" + std::to_string(i)}, {"name", "P"}});
  sync::SyncOutcome out = a.sync();
  CHECK_FALSE(out.ok);
  CHECK(out.error == "quota_exceeded");
  CHECK(out.pushed == 5);                 // the first five, as the minute allows
  CHECK(a.replica.pending_count() == 1);  // the sixth kept, sent later
  for (int i = 0; i < 3; ++i) b.exec({{"cmd", "patient.create"}, {"id", "b-" + std::to_string(i)}, {"name", "P"}});
  CHECK(b.sync().ok);  // another device of the clinic is not held back by A
  for (int i = 3; i < 6; ++i) b.exec({{"cmd", "patient.create"}, {"id", "b-" + std::to_string(i)}, {"name", "P"}});
  CHECK(b.sync().error == "quota_exceeded");  // but the clinic's minute is spent (3 + 3 + … > 8)
  s.skew += 60;
  CHECK(a.sync().ok);
  CHECK(a.replica.pending_count() == 0);
}

TEST_CASE("quotas: a clinic whose log reached its storage limit is refused with 507, nothing half-stored") {
  ServerConfig config = test_config();
  config.quotas.clinic_log_bytes = 3000;
  ApiServer s(config);
  SyncedDevice a(s, "A");
  for (int i = 0; i < 3; ++i) a.exec({{"cmd", "patient.create"}, {"id", "a-" + std::to_string(i)}, {"name", "P"}});
  CHECK(a.sync().ok);
  for (int i = 3; i < 20; ++i) a.exec({{"cmd", "patient.create"}, {"id", "a-" + std::to_string(i)}, {"name", "P"}});
  const sync::SyncOutcome out = a.sync();
  CHECK(out.error == "storage_quota_exceeded");
  CHECK(a.replica.pending_count() > 0);
  CHECK(s.count("SELECT bytes FROM clinic_log_usage") == s.count("SELECT SUM(octet_length(op)) FROM sync_ops"));
}

TEST_CASE("a device whose whole outbox is refused learns it in one pass, not one rebase per operation") {
  ApiServer s;
  SyncedDevice a(s, "A"), b(s, "B");
  a.commands.set_origin(a.link.device_id, "B");  // numbering in B's series: every invoice refused
  a.exec({{"cmd", "patient.create"}, {"id", "p-1"}, {"name", "Léa"}});
  for (int i = 0; i < 300; ++i) {
    a.exec({{"cmd", "invoice.create"}, {"id", "inv-" + std::to_string(i)}, {"patient_id", "p-1"},
            {"lines", {{{"label", "Séance"}, {"unit_price", 6000}}}}});
  }
  const sync::SyncOutcome out = a.sync();
  CHECK(out.ok);
  CHECK(out.refused == 301);
  CHECK(a.replica.pending_count() == 0);
  CHECK(a.replica.refused_by_server_count() == 301);
  CHECK(s.count("SELECT COUNT(*) FROM sync_ops") == 0);
}
