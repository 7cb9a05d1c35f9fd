// Sync routes. See sync_routes.h.
#include "server/sync_routes.h"

#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/op_log.h"
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
  // Every operation checked before any is stored: a batch is taken whole or not at all.
  for (std::size_t i = 0; i < ops.size(); ++i) {
    app::Op op;
    std::string field;
    if (!sync::op_from_json(ops[i], &op, &field)) {
      send_api_error(res, 400, "invalid_argument", "ops[" + std::to_string(i) + "]." + field + " is malformed");
      return;
    }
    // A device pushes its own operations only: the origin is the authenticated device.
    if (op.origin != device->id) {
      send_api_error(res, 403, "forbidden", "ops[" + std::to_string(i) + "] was made by another device");
      return;
    }
  }
  const std::vector<Json> batch(ops.begin(), ops.end());
  const std::string received = format_utc(now());
  PushOutcome out = db.with([&](store::Database& d) {
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
  send_json(res, 200, {{"ok", true}, {"protocol", sync::kSyncProtocol}, {"head", out.head}, {"accepted", accepted}});
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
    send_api_error(res, 503, "snapshot_unavailable", std::string("the clinic's books could not be made: ") + e.what());
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
