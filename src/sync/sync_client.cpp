// One sync exchange. See sync_client.h.
#include "sync/sync_client.h"
#include "app/bounded_json.h"

#include <nlohmann/json.hpp>

namespace quittance::sync {

namespace {
constexpr int kMaxStaleRounds = 5;  // then give up until the next exchange: never spin

// The error code of a server's answer, whatever it holds.
std::string error_code(const nlohmann::json& body) {
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return "server_error";
  const nlohmann::json& code = body["error"]["code"];
  return code.is_string() ? code.get<std::string>() : "server_error";
}
}  // namespace

bool SyncClient::run(const DeviceLink& link, std::function<void(const SyncOutcome&)> done) {
  if (running_ || !link.paired()) return false;
  running_ = true;
  link_ = link;
  rounds_ = 0;
  outcome_ = SyncOutcome{};
  done_ = std::move(done);
  try {
    pull();
  } catch (const std::exception&) {  // the database could not be read: this exchange ends
    finish(false, "storage_error");
  }
  return true;
}

void SyncClient::cancel() {
  ++epoch_;
  running_ = false;
  done_ = nullptr;
}

void SyncClient::send(const std::string& method, const std::string& path, const std::string& body,
                      std::function<void(const HttpResponse&)> then) {
  HttpRequest request;
  request.method = method;
  request.url = link_.server_url + path;
  request.headers.emplace_back("Authorization", "Bearer " + link_.token);
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body;
  }
  http_.send(request, [this, epoch = epoch_, then = std::move(then)](const HttpResponse& response) {
    if (epoch != epoch_) return;  // cancelled meanwhile
    if (response.status != 0) outcome_.reached = true;
    try {
      then(response);
    } catch (const std::exception&) {  // an answer of the wrong shape: this exchange ends
      if (running_) finish(false, "server_error");
    }
  });
}

void SyncClient::finish(bool ok, const std::string& error) {
  running_ = false;
  outcome_.ok = ok;
  outcome_.error = error;
  auto done = std::move(done_);
  if (done) done(outcome_);
}

void SyncClient::pull() {
  const std::string path = "/api/sync/pull?after=" + std::to_string(replica_.cursor()) +
                           "&limit=" + std::to_string(kPullPage);
  send("GET", path, "", [this](const HttpResponse& r) {
    if (r.status == 0) return finish(false, "network");
    const nlohmann::json body = app::parse_bounded_json_or_discarded(r.body);
    if (r.status != 200 || !body.is_object()) return finish(false, error_code(body));
    if (body.value("protocol", 0) != kSyncProtocol || !body.contains("ops") || !body["ops"].is_array()) {
      return finish(false, "unsupported_protocol");
    }
    std::vector<app::Op> ops;
    for (const auto& j : body["ops"]) {
      app::Op op;
      std::string field;
      if (!op_from_json(j, &op, &field) || op.server_seq == 0) return finish(false, "malformed_operation");
      ops.push_back(std::move(op));
    }
    const std::int64_t before = replica_.cursor();
    PullOutcome applied;
    try {
      applied = replica_.apply_pulled(std::move(ops));
    } catch (const std::exception&) {
      return finish(false, "storage_error");  // nothing of the batch was applied: retried later
    }
    outcome_.pulled += applied.applied + applied.refused;
    outcome_.rebased += applied.rebased;
    if (!applied.blocked.empty()) return finish(false, "update_required");
    const std::int64_t head = body["head"].is_number_integer() ? body["head"].get<std::int64_t>() : 0;
    if (replica_.cursor() < head) {
      // The server sent nothing that follows the cursor: ask again at the next exchange, never spin.
      if (replica_.cursor() == before) return finish(false, "no_progress");
      return pull();
    }
    push();
  });
}

void SyncClient::push() {
  const std::vector<app::Op> ops = replica_.outbox(kPushBatch);
  if (ops.empty()) return finish(true, "");
  nlohmann::json batch = nlohmann::json::array();
  std::size_t bytes = 0;
  for (const app::Op& op : ops) {
    nlohmann::json j = op_to_json(op);
    bytes += j.dump().size();
    if (!batch.empty() && bytes > kPushBytes) break;  // the rest in the next push
    batch.push_back(std::move(j));
  }
  const nlohmann::json body = {{"protocol", kSyncProtocol}, {"base", replica_.cursor()}, {"ops", batch}};
  send("POST", "/api/sync/push", body.dump(), [this, count = batch.size(), base = replica_.cursor()](const HttpResponse& r) {
    if (r.status == 0) return finish(false, "network");
    const nlohmann::json answer = app::parse_bounded_json_or_discarded(r.body);
    if (r.status == 409) {  // another device pushed first: take its operations, then ours again
      if (++rounds_ > kMaxStaleRounds) return finish(false, "stale");
      return pull();
    }
    if (r.status != 200 || !answer.is_object() || !answer.contains("accepted") || !answer["accepted"].is_array()) {
      return finish(false, error_code(answer));
    }
    std::vector<std::pair<std::string, std::int64_t>> seqs;
    for (const auto& a : answer["accepted"]) {
      if (a.is_object() && a.contains("id") && a["id"].is_string() && a.contains("seq") &&
          a["seq"].is_number_integer() && a["seq"].get<std::int64_t>() > 0) {
        seqs.emplace_back(a["id"].get<std::string>(), a["seq"].get<std::int64_t>());
      }
    }
    try {
      replica_.accepted(seqs, base);
      // The server refused one (docs/sync.md, « Validated at the door »): it stays here, shown
      // as refused, and what followed it is made again without it before it is sent.
      if (answer.contains("refused") && answer["refused"].is_array()) {
        std::vector<Replica::Refusal> refusals;
        for (const auto& r : answer["refused"]) {
          if (!r.is_object() || !r.value("id", nlohmann::json()).is_string()) continue;
          const std::string code = r.value("code", nlohmann::json()).is_string() ? r["code"].get<std::string>() : "";
          const std::string message =
              r.value("message", nlohmann::json()).is_string() ? r["message"].get<std::string>() : "";
          refusals.push_back({r["id"].get<std::string>(), code.empty() ? "refused" : code, message});
        }
        outcome_.refused += replica_.refused_by_server(refusals);
      }
    } catch (const std::exception&) {
      return finish(false, "storage_error");  // they come back in the next pull: nothing lost
    }
    outcome_.pushed += static_cast<std::int64_t>(seqs.size());
    if (seqs.empty() && count > 0 && outcome_.refused == 0) return finish(false, "no_progress");  // never spin
    // Whatever another device pushed meanwhile, then the rest of the outbox.
    pull();
  });
}

}  // namespace quittance::sync
