// Sync routes. See sync_routes.h.
#include "server/sync_routes.h"

#include <iostream>

#include "app/op_check.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/op_log.h"
#include "server/devices.h"
#include "server/pay_links.h"
#include "sync/replica.h"

namespace quittance::server {

namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxPushOps = 500;
constexpr int kDefaultPull = 200, kMaxPull = 1000;

bool protocol_ok(const Json& body, httplib::Response& res) {
  auto it = body.find("protocol");
  if (it == body.end() || !it->is_number_integer() || it->get<int>() != sync::kSyncProtocol) {
    send_api_error(res, 400, "unsupported_protocol", "this server speaks sync protocol 1");
    return false;
  }
  return true;
}

// The first operation of a batch the server will not take, and why: checked at the door, so
// that nothing a device sends can stop the log or be applied differently by two replicas
// (docs/sync.md, « Validated at the door »).
struct Refusal {
  std::size_t index = 0;
  std::string id, code, message;
};

std::optional<Refusal> check_pushed_op(store::Database& d, const Device& device, const Json& j, std::size_t index,
                                       app::Op* op) {
  std::string field;
  auto refuse = [&](std::string code, std::string message) {
    const auto id = j.is_object() ? j.find("id") : j.end();
    std::string id_text = j.is_object() && id != j.end() && id->is_string() ? id->get<std::string>() : "";
    if (id_text.size() > 64) id_text.clear();
    return Refusal{index, std::move(id_text), std::move(code), std::move(message)};
  };
  if (!sync::op_from_json(j, op, &field)) return refuse("malformed_operation", "\"" + field + "\" is malformed");
  // A device pushes its own operations only: the origin is the authenticated device.
  if (op->origin != device.id) return refuse("forbidden", "the operation was made by another device");
  if (!op->refused_code.empty()) return refuse("malformed_operation", "\"refused\" is the server's to say");
  Json body;
  if (app::OpRefusal shape = app::check_op_shape(*op, &body); !shape.ok()) return refuse(shape.code, shape.message);
  if (app::OpRefusal role = app::check_op_role(*op, body, device.role); !role.ok()) {
    return refuse(role.code, role.message);
  }
  if (!series_allowed(d, device.clinic_id, device.id, op->series)) {
    return refuse("forbidden", "series \"" + op->series + "\" is another device's");
  }
  return std::nullopt;
}

void handle_push(const httplib::Request& req, httplib::Response& res, SharedDatabase& db, const Clock& now) {
  std::optional<Device> device = authenticate(req, res, db);
  if (!device) return;
  std::optional<Json> body = json_object_body(req, res, false, kMaxRequestBody);
  if (!body || !protocol_ok(*body, res)) return;
  const Json& base = (*body)["base"];
  const Json& ops = (*body)["ops"];
  if (!base.is_number_integer() || base.get<std::int64_t>() < 0 || !ops.is_array() || ops.size() > kMaxPushOps) {
    send_api_error(res, 400, "invalid_argument", "\"base\" (a seq) and \"ops\" (up to 500) are required");
    return;
  }
  const std::string received = format_utc(now());
  std::optional<Refusal> refused;
  PushOutcome out = db.with([&](store::Database& d) {
    // The operations before the first refused one are taken; that one is refused; those after
    // it wait: they were made after it, and the device makes them again without it before
    // sending them (sync::Replica::refused_by_server).
    std::vector<Json> batch;
    for (std::size_t i = 0; i < ops.size() && !refused; ++i) {
      app::Op op;
      refused = check_pushed_op(d, *device, ops[i], i, &op);
      if (!refused) batch.push_back(ops[i]);
    }
    PushOutcome pushed;
    // A payment request's link works once its operation is in the log: both in one transaction.
    d.transaction([&] {
      pushed = push_ops(d, device->clinic_id, device->id, base.get<std::int64_t>(), batch, received);
      if (!pushed.stale) index_pay_links(d, device->clinic_id, batch, received);
    });
    return pushed;
  });
  if (out.stale) {
    send_json(res, 409, {{"ok", false}, {"error", {{"code", "stale"}, {"message", "pull first"}}}, {"head", out.head}});
    return;
  }
  Json accepted = Json::array();
  for (const auto& [id, seq] : out.accepted) accepted.push_back({{"id", id}, {"seq", seq}});
  Json answer = {{"ok", true}, {"protocol", sync::kSyncProtocol}, {"head", out.head}, {"accepted", accepted}};
  answer["refused"] = Json::array();
  if (refused) {
    // For the operator: which device sends what the server will not take (never the body).
    std::cerr << "quittance-server: device " << device->id << " of clinic " << device->clinic_id
              << ": operation refused at the door: " << refused->code << " (" << refused->message << ")\n";
    answer["refused"].push_back(
        {{"index", refused->index}, {"id", refused->id}, {"code", refused->code}, {"message", refused->message}});
  }
  send_json(res, 200, answer);
}

void handle_pull(const httplib::Request& req, httplib::Response& res, SharedDatabase& db) {
  std::optional<Device> device = authenticate(req, res, db);
  if (!device) return;
  std::optional<std::int64_t> after = query_integer(req, "after", 0);
  std::optional<std::int64_t> limit = query_integer(req, "limit", kDefaultPull);
  if (!after || !limit || *limit < 1 || *limit > kMaxPull) {
    send_api_error(res, 400, "invalid_argument", "\"after\" must be a seq (0 or more), \"limit\" 1 to 1000");
    return;
  }
  PullPage page =
      db.with([&](store::Database& d) { return pull_ops(d, device->clinic_id, *after, static_cast<int>(*limit)); });
  send_json(res, 200, {{"ok", true}, {"protocol", sync::kSyncProtocol}, {"head", page.head}, {"ops", page.ops}});
}

// The clinic's books up to the log's head, as a SQLite file; 204 while the log is empty.
void handle_snapshot(const httplib::Request& req, httplib::Response& res, SharedDatabase& db, SnapshotStore& snapshots) {
  std::optional<Device> device = authenticate(req, res, db);
  if (!device) return;
  if (db.with([&](store::Database& d) { return log_head(d, device->clinic_id); }) == 0) {
    res.status = 204;
    return;
  }
  Snapshot snapshot;
  try {
    snapshot = snapshots.take(db, device->clinic_id);
  } catch (const store::StoreError& e) {
    // The reason goes to the log: it may name a file or a table, and the device needs neither.
    std::cerr << "quittance-server: snapshot of a clinic failed: " << e.what() << '\n';
    send_api_error(res, 503, "snapshot_unavailable", "the clinic's books could not be made: try again later");
    return;
  }
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Quittance-Seq", std::to_string(snapshot.seq));
  res.set_content(reinterpret_cast<const char*>(snapshot.bytes.data()), snapshot.bytes.size(),
                  "application/vnd.sqlite3");
}

}  // namespace

void install_sync_routes(httplib::Server& server, SharedDatabase& db, std::shared_ptr<Clock> clock,
                         std::shared_ptr<SnapshotStore> snapshots) {
  server.Get("/api/sync/snapshot", [&db, snapshots](const httplib::Request& req, httplib::Response& res) {
    handle_snapshot(req, res, db, *snapshots);
  });
  server.Post("/api/sync/push", [&db, clock](const httplib::Request& req, httplib::Response& res) {
    handle_push(req, res, db, *clock);
  });
  server.Get("/api/sync/pull", [&db](const httplib::Request& req, httplib::Response& res) { handle_pull(req, res, db); });
}

}  // namespace quittance::server
