// Sync routes. See sync/routes.h.
#include "server/sync/routes.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

#include "app/op_check.h"
#include "core/schedule.h"
#include "server/devices/devices.h"
#include "server/http/api_routes.h"
#include "server/http/api_support.h"
#include "server/pay/links.h"
#include "server/sync/op_log.h"
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

// An operation of a batch the server will not take, and why: checked at the door, so that
// nothing a device sends can stop the log or be applied differently by two replicas
// (docs/sync.md, « Validated at the door »).
struct Refusal {
  std::size_t index = 0;
  std::string id, code, message;
};

// `series_checked` keeps the answer for each series met in the batch: its ops share one or two.
std::optional<Refusal> check_pushed_op(Sql& d, const Device& device, const Json& j, std::size_t index,
                                       app::Op* op, std::map<std::string, bool>& series_checked) {
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
  // Facts the server learnt are the server's to write (docs/sync.md, « Server facts »): a
  // device older than that pushes them again, under the same id, and the server's copy
  // stands; any other would be a payment nobody made.
  if (op->name == "server_event.apply" && op_seq(d, device.clinic_id, op->id) == 0)
    return refuse("forbidden", "server events are written into the log by the server only");
  Json body;
  if (app::OpRefusal shape = app::check_op_shape(*op, &body); !shape.ok()) return refuse(shape.code, shape.message);
  if (app::OpRefusal role = app::check_op_role(*op, body, device.role); !role.ok()) {
    return refuse(role.code, role.message);
  }
  auto checked = series_checked.find(op->series);
  if (checked == series_checked.end()) {
    checked = series_checked.emplace(op->series, series_allowed(d, device.clinic_id, device.id, op->series)).first;
  }
  if (!checked->second) {
    return refuse("forbidden", "series \"" + op->series + "\" is another device's");
  }
  return std::nullopt;
}

struct PushQuotas {
  explicit PushQuotas(SharedDatabase& db) : per_minute(&db) {}
  QuotaLimits limits;
  MinuteCounter per_minute;
};

void handle_push(const httplib::Request& req, httplib::Response& res, SharedDatabase& db, const Clock& now,
                 PushQuotas& quotas) {
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
  const std::int64_t t = now();
  const std::string received = core::format_utc_instant(t);
  // Quotas (sync/quotas.h): as many of the batch's operations as the device's and the clinic's
  // minute still allow are taken, the first ones; the rest wait like those after a refusal.
  std::int64_t wait = 0;
  const std::int64_t granted = quotas.per_minute.grant(
      {{"device:" + device->id, quotas.limits.ops_per_device_minute},
       {"clinic:" + device->clinic_id, quotas.limits.ops_per_clinic_minute}},
      static_cast<std::int64_t>(ops.size()), t, &wait);
  if (granted == 0 && !ops.empty()) {
    res.set_header("Retry-After", std::to_string(wait));
    send_api_error(res, 429, "quota_exceeded", "too many operations this minute: the rest waits for the next");
    return;
  }
  if (db.with([&](Sql& d) { return log_bytes(d, device->clinic_id); }) + static_cast<std::int64_t>(req.body.size()) >
      quotas.limits.clinic_log_bytes) {
    std::cerr << "quittance-server: clinic " << device->clinic_id << ": its log is full (quota)\n";
    send_api_error(res, 507, "storage_quota_exceeded", "the clinic's books are at the server's storage limit");
    return;
  }
  std::vector<Refusal> refused;
  PushOutcome out = db.with([&](Sql& d) {
    // The operations before the first refused one are taken; the refused ones are said, every
    // one of the batch (the checks are the operation's own, not the books'), so that a device
    // undoes them all in one pass; the others after the first refusal wait: they were made
    // after it, and the device makes them again without it before sending them
    // (sync::Replica::refused_by_server).
    std::vector<Json> batch;
    std::map<std::string, bool> series_checked;
    for (std::size_t i = 0; i < static_cast<std::size_t>(granted); ++i) {
      app::Op op;
      if (std::optional<Refusal> r = check_pushed_op(d, *device, ops[i], i, &op, series_checked)) {
        refused.push_back(std::move(*r));
      } else if (refused.empty()) {
        batch.push_back(ops[i]);
      }
    }
    // A payment request's link works once its operation is in the log: both in one transaction.
    return push_ops(d, device->clinic_id, device->id, base.get<std::int64_t>(), batch, received,
                    [&] { index_pay_links(d, device->clinic_id, batch, received); });
  });
  if (out.stale) {
    send_json(res, 409, {{"ok", false}, {"error", {{"code", "stale"}, {"message", "pull first"}}}, {"head", out.head}});
    return;
  }
  Json accepted = Json::array();
  for (const auto& [id, seq] : out.accepted) accepted.push_back({{"id", id}, {"seq", seq}});
  Json answer = {{"ok", true}, {"protocol", sync::kSyncProtocol}, {"head", out.head}, {"accepted", accepted}};
  answer["refused"] = Json::array();
  for (const Refusal& r : refused) {
    answer["refused"].push_back({{"index", r.index}, {"id", r.id}, {"code", r.code}, {"message", r.message}});
  }
  if (!refused.empty()) {
    // For the operator: which device sends what the server will not take (never the body).
    std::cerr << "quittance-server: device " << device->id << " of clinic " << device->clinic_id << ": "
              << refused.size() << " operation(s) refused at the door, the first: " << refused[0].code << " ("
              << refused[0].message << ")\n";
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
      db.with([&](Sql& d) { return pull_ops(d, device->clinic_id, *after, static_cast<int>(*limit)); });
  send_json(res, 200, {{"ok", true}, {"protocol", sync::kSyncProtocol}, {"head", page.head}, {"ops", page.ops}});
}

// The clinic's books up to the log's head, as a SQLite file; 204 while the log is empty.
void handle_snapshot(const httplib::Request& req, httplib::Response& res, SharedDatabase& db, SnapshotStore& snapshots) {
  std::optional<Device> device = authenticate(req, res, db);
  if (!device) return;
  if (db.with([&](Sql& d) { return log_head(d, device->clinic_id); }) == 0) {
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
  // From the file to the socket a piece at a time: a 400 MB practice costs this process one
  // buffer, not two copies of its books. pread: several downloads share the open file.
  std::shared_ptr<std::FILE> file = snapshot.file;
  res.set_content_provider(static_cast<std::size_t>(snapshot.size), "application/vnd.sqlite3",
                           [file](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             char buffer[64 * 1024];
                             const ssize_t n = ::pread(::fileno(file.get()), buffer, std::min(length, sizeof buffer),
                                                       static_cast<off_t>(offset));
                             return n > 0 && sink.write(buffer, static_cast<std::size_t>(n));
                           });
}

}  // namespace

void install_sync_routes(httplib::Server& server, SharedDatabase& db, std::shared_ptr<Clock> clock,
                         std::shared_ptr<SnapshotStore> snapshots, const QuotaLimits& quotas) {
  auto push_quotas = std::make_shared<PushQuotas>(db);
  push_quotas->limits = quotas;
  server.Get("/api/sync/snapshot", [&db, snapshots](const httplib::Request& req, httplib::Response& res) {
    handle_snapshot(req, res, db, *snapshots);
  });
  server.Post("/api/sync/push", [&db, clock, push_quotas](const httplib::Request& req, httplib::Response& res) {
    handle_push(req, res, db, *clock, *push_quotas);
  });
  server.Get("/api/sync/pull", [&db](const httplib::Request& req, httplib::Response& res) { handle_pull(req, res, db); });
}

}  // namespace quittance::server
