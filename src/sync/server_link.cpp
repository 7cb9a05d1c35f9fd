// The device's link to its clinic's server. See server_link.h.
#include "sync/server_link.h"

#include <algorithm>

#include "app/bounded_json.h"

namespace quittance::sync {

namespace {

constexpr double kRefreshMs = 30'000;
constexpr double kExpectingRefreshMs = 3'000;
constexpr double kExpectingForMs = 10 * 60'000;
constexpr double kFirstBackoffMs = 2'000;
constexpr double kMaxBackoffMs = 60'000;

CallResult to_result(const HttpResponse& response) {
  CallResult r;
  r.status = response.status;
  if (!r.answered()) {
    r.code = "network";
    return r;
  }
  r.body = app::parse_bounded_json_or_discarded(response.body);
  if (r.body.is_discarded() || !r.body.is_object()) {
    // Not our server's JSON (a proxy's error page, a static host's 404): as if not answered.
    r.body = nullptr;
    r.status = 0;
    r.code = "network";
    return r;
  }
  if (!r.ok()) {
    const Json& error = r.body.contains("error") ? r.body["error"] : Json::object();
    r.code = error.is_object() ? error.value("code", "http_" + std::to_string(r.status)) : "http_error";
  }
  return r;
}

}  // namespace

const char* to_string(Connection c) {
  switch (c) {
    case Connection::Unpaired:
      return "unpaired";
    case Connection::Connecting:
      return "connecting";
    case Connection::Online:
      return "online";
    case Connection::Offline:
      return "offline";
    case Connection::Revoked:
      return "revoked";
  }
  return "unpaired";
}

std::string signed_in_role(app::CommandLayer& commands) {
  const Json info = commands.query({{"cmd", "app.info"}});
  return info.value("ok", false) ? info["result"].value("role", "read_only") : "read_only";
}

ServerLink::ServerLink(HttpTransport& http, SaveLink save) : http_(http), save_(std::move(save)) {}

void ServerLink::changed() const {
  if (changed_) changed_();
}

void ServerLink::set_link(DeviceLink link, bool keep) {
  link_ = std::move(link);
  if (keep) save_(link_);
}

void ServerLink::update_link(const std::function<void(DeviceLink&)>& change) {
  change(link_);
  save_(link_);
}

void ServerLink::forget() {
  ++generation_;
  DeviceLink unpaired;
  unpaired.local_id = link_.local_id;
  link_ = std::move(unpaired);
  connection_ = Connection::Unpaired;
  card_payments_ = false;
  online_payments_state_.clear();
  save_(link_);
}

void ServerLink::call(const std::string& method, const std::string& path, const Json* body, Done done) {
  HttpRequest request;
  request.method = method;
  request.url = link_.server_url + path;
  if (link_.paired()) request.headers.emplace_back("Authorization", "Bearer " + link_.token);
  if (body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body->dump();
  }
  const std::uint64_t generation = generation_;
  http_.send(request, [this, generation, done = std::move(done)](const HttpResponse& response) {
    if (generation != generation_) return;  // the link was forgotten meanwhile
    CallResult result = to_result(response);
    note_answer(result);
    done(result);
    changed();
  });
}

void ServerLink::note_answer(const CallResult& result) {
  if (!link_.paired()) return;
  if (!result.answered()) {
    connection_ = Connection::Offline;
  } else if (result.status == 401) {
    connection_ = Connection::Revoked;
  } else {
    connection_ = Connection::Online;
  }
}

void ServerLink::refresh() {
  if (!link_.paired()) return;
  call("GET", "/api/whoami", nullptr, [this](const CallResult& r) {
    if (!r.ok()) {
      backoff_ms_ = std::min(kMaxBackoffMs, backoff_ms_ == 0 ? kFirstBackoffMs : backoff_ms_ * 2);
      next_refresh_ms_ = now_ms_ + backoff_ms_;
      return;
    }
    card_payments_ = r.body.value("card_payments", false);
    const Json online = r.body.value("online_payments", Json::object());
    online_payments_state_ = online.is_object() && online.contains("state") && online["state"].is_string()
                                 ? online["state"].get<std::string>()
                                 : (card_payments_ ? "active" : "unavailable");
    pay_base_url_ = r.body.value("pay_base_url", std::string());
    backoff_ms_ = 0;
    next_refresh_ms_ = now_ms_ + (now_ms_ < expect_until_ms_ ? kExpectingRefreshMs : kRefreshMs);
    // The series the server gave this device (one paired by an earlier version learns it).
    const std::string series = r.body.value("series", "");
    if (!series.empty() && series != link_.series) {
      update_link([&](DeviceLink& l) { l.series = series; });
      if (series_changed_) series_changed_();
    }
    if (refreshed_) refreshed_();
  });
}

bool ServerLink::tick(double now_ms) {
  now_ms_ = now_ms;
  if (!link_.paired() || connection_ == Connection::Revoked || now_ms < next_refresh_ms_) return false;
  next_refresh_ms_ = now_ms + kRefreshMs;  // until the answer sets it properly
  refresh();
  return true;
}

void ServerLink::expect_soon() {
  expect_until_ms_ = now_ms_ + kExpectingForMs;
  next_refresh_ms_ = std::min(next_refresh_ms_, now_ms_ + kExpectingRefreshMs);
}

}  // namespace quittance::sync
