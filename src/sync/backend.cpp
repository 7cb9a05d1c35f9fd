// The device's side of the backend. See backend.h.
#include "sync/backend.h"
#include "app/bounded_json.h"

#include <algorithm>

#include "app/command_id.h"

namespace quittance::sync {

namespace {

constexpr double kRefreshMs = 30'000;
constexpr double kExpectingRefreshMs = 3'000;
constexpr double kExpectingForMs = 10 * 60'000;
constexpr double kFirstBackoffMs = 2'000;
constexpr double kMaxBackoffMs = 60'000;
constexpr int kEventPage = 200;
constexpr double kSyncMs = 10'000;       // an exchange this often when online (others' operations)
constexpr double kLocalChangeMs = 1'000;  // a change made here is sent this soon

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

const char* to_string(SyncState s) {
  switch (s) {
    case SyncState::Off:
      return "off";
    case SyncState::Waiting:
      return "waiting";
    case SyncState::Syncing:
      return "syncing";
    case SyncState::UpToDate:
      return "up_to_date";
    case SyncState::Pending:
      return "pending";
    case SyncState::UpdateRequired:
      return "update_required";
    case SyncState::Failed:
      return "failed";
  }
  return "off";
}

Backend::Backend(HttpTransport& http, app::CommandLayer& commands, SaveLink save, store::Database* db)
    : http_(http), commands_(commands), save_(std::move(save)) {
  if (db) {
    replica_ = std::make_unique<Replica>(*db, commands);
    sync_client_ = std::make_unique<SyncClient>(http, *replica_);
  }
}

Backend::~Backend() = default;

void Backend::changed() {
  if (changed_) changed_();
}

std::string Backend::origin() const {
  if (link_.paired()) return link_.device_id;
  return link_.local_id.empty() ? std::string() : "local-" + link_.local_id;
}

// Every operation made here records its origin (and what it changed), paired or not: the
// books written before pairing are sent once paired (docs/sync.md, « Pairing »).
void Backend::apply_origin() {
  if (!replica_) return;
  commands_.set_origin(origin(), link_.paired() ? link_.series : std::string());
}

std::string Backend::books_clinic() const {
  try {
    return replica_ ? replica_->clinic() : std::string();
  } catch (const store::StoreError&) {
    return std::string();
  }
}

void Backend::start(DeviceLink link) {
  link_ = std::move(link);
  if (replica_ && link_.local_id.empty()) {
    link_.local_id = app::new_command_id();
    save_(link_);
  }
  // Paired by an earlier version: the books count in this clinic's log from now on.
  try {
    // Paired by an earlier version: the books count in this clinic's log from now on.
    if (replica_ && link_.paired() && replica_->clinic().empty() && !replica_->has_unrecorded_books()) {
      replica_->join(link_.clinic_id, link_.device_id);
    }
  } catch (const store::StoreError&) {
  }
  apply_origin();
  check_books();
  keep_series_setting();
  connection_ = link_.paired() ? Connection::Connecting : Connection::Unpaired;
  if (link_.paired()) refresh();
}

void Backend::call(const std::string& method, const std::string& path, const Json* body, Done done) {
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

void Backend::note_answer(const CallResult& result) {
  if (!link_.paired()) return;
  if (!result.answered()) {
    connection_ = Connection::Offline;
  } else if (result.status == 401) {
    connection_ = Connection::Revoked;
  } else {
    connection_ = Connection::Online;
  }
}

std::string Backend::role() {
  const Json info = commands_.query({{"cmd", "app.info"}});
  return info.value("ok", false) ? info["result"].value("role", "read_only") : "read_only";
}

void Backend::pair(const std::string& server_url, const std::string& code, const std::string& device_name, Done done) {
  if (replica_ && replica_->has_unrecorded_books()) {
    // Their history cannot be sent as operations: refused here, before any code is spent.
    CallResult refused;
    refused.status = 409;
    refused.code = "books_need_import";
    done(refused);
    return;
  }
  forget();
  link_.server_url = server_url;
  Json body = {{"code", code}, {"name", device_name}};
  // What this device holds: the server refuses to mix another practice's books into the clinic.
  const bool had_books = replica_ && replica_->has_books();
  if (replica_) {
    body["books"] = {{"has_books", had_books}, {"clinic_id", replica_->clinic()}, {"cursor", replica_->cursor()}};
  }
  call("POST", "/api/devices/pair", &body, [this, server_url, device_name, done, had_books](const CallResult& r) {
    if (r.ok() && r.body.value("device_token", "").size() > 0) {
      DeviceLink link;
      link.local_id = link_.local_id;
      link.server_url = server_url;
      link.clinic_id = r.body.value("clinic_id", "");
      link.device_id = r.body.value("device_id", "");
      link.device_name = device_name;
      link.token = r.body.value("device_token", "");
      link.series = r.body.value("series", "");
      link_ = std::move(link);
      save_(link_);
      if (replica_) {
        try {
          replica_->join(link_.clinic_id, link_.device_id);
        } catch (const store::StoreError&) {
          sync_blocked_ = "storage_error";  // the books could not be written: no exchange on them
        }
        apply_origin();
        keep_series_setting();
        // A new device of a clinic with a log: its books come whole from the server's snapshot.
        if (!had_books && r.body.value("log_head", std::int64_t{0}) > 0 && install_snapshot_) {
          restoring_ = true;
          const std::uint64_t generation = generation_;
          install_snapshot_(link_, [this, generation](bool downloaded) {
            if (generation != generation_) return false;  // unpaired or paired elsewhere meanwhile
            if (downloaded) return true;                 // the platform swaps it in
            snapshot_not_installed();                    // the log from the start instead
            return false;
          });
        }
      }
      connection_ = Connection::Connecting;
      refresh();
    }
    done(r);
  });
}

void Backend::request_pairing_code(const std::string& device_role, Done done) {
  const Json body = {{"device_role", device_role}};
  call("POST", "/api/devices/pairing-code", &body, std::move(done));
}

void Backend::list_devices(Done done) { call("GET", "/api/devices", nullptr, std::move(done)); }

void Backend::revoke_device(const std::string& device_id, Done done) {
  const Json body = {{"device_id", device_id}, {"role", role()}};
  call("POST", "/api/devices/revoke", &body, std::move(done));
}

void Backend::set_device_role(const std::string& device_id, const std::string& device_role, Done done) {
  const Json body = {{"device_id", device_id}, {"device_role", device_role}, {"role", role()}};
  call("POST", "/api/devices/role", &body, std::move(done));
}

void Backend::forget() {
  ++generation_;
  DeviceLink unpaired;
  unpaired.local_id = link_.local_id;
  link_ = std::move(unpaired);
  apply_origin();
  ever_synced_ = false;
  sync_error_.clear();
  sync_blocked_.clear();
  restoring_ = false;
  if (sync_client_) sync_client_->cancel();  // its late answers belong to the old link
  connection_ = Connection::Unpaired;
  card_payments_ = false;
  pulling_ = pull_again_ = false;
  blocked_code_.clear();
  save_(link_);
  changed();
}

void Backend::refresh() {
  if (!link_.paired()) return;
  call("GET", "/api/whoami", nullptr, [this](const CallResult& r) {
    if (r.ok()) {
      card_payments_ = r.body.value("card_payments", false);
      pay_base_url_ = r.body.value("pay_base_url", std::string());
      backoff_ms_ = 0;
      next_refresh_ms_ = now_ms_ + (now_ms_ < expect_until_ms_ ? kExpectingRefreshMs : kRefreshMs);
      // The series the server gave this device (one paired by an earlier version learns it).
      const std::string series = r.body.value("series", "");
      if (!series.empty() && series != link_.series) {
        link_.series = series;
        save_(link_);
        apply_origin();
        keep_series_setting();
      }
      if (restoring_) return;  // the snapshot brings the books: the operations after it
      if (simulated_) pull();  // the demo's in-page server has no log: its events
      start_sync();
    } else {
      backoff_ms_ = std::min(kMaxBackoffMs, backoff_ms_ == 0 ? kFirstBackoffMs : backoff_ms_ * 2);
      next_refresh_ms_ = now_ms_ + backoff_ms_;
    }
  });
}

void Backend::tick(double now_ms) {
  now_ms_ = now_ms;
  if (!link_.paired() || connection_ == Connection::Revoked) return;
  if (now_ms >= next_refresh_ms_) {
    next_refresh_ms_ = now_ms + kRefreshMs;  // until the answer sets it properly
    refresh();
  } else if (now_ms >= next_sync_ms_) {
    start_sync();
  }
}

// [SECTION] Sync of the operation log ---------------------------------------------------------

void Backend::local_change() {
  if (!replica_ || !link_.paired()) return;
  // Soon, unless the server is unreachable: then the backoff decides.
  if (connection_ != Connection::Offline) next_sync_ms_ = std::min(next_sync_ms_, now_ms_ + kLocalChangeMs);
  changed();
}

// « Synchroniser maintenant »: the operations at once, and the server's events (card payments,
// emails' states) at the next tick, through whoami.
void Backend::sync_now() {
  sync_backoff_ms_ = 0;
  next_refresh_ms_ = now_ms_;
  start_sync();
}

// The device's series shown in Paramètres → Cabinet as its own setting (never sent); set again
// when the books were replaced (a snapshot holds the server's copy's settings).
void Backend::keep_series_setting() {
  if (!replica_ || !link_.paired() || link_.series.empty()) return;
  const Json current = commands_.query({{"cmd", "settings.get"}, {"key", "device.series"}});
  if (current.value("ok", false) && current["result"] == link_.series) return;
  commands_.exec({{"cmd", "settings.set"}, {"id", app::new_command_id()}, {"key", "device.series"}, {"value", link_.series}});
}

void Backend::snapshot_not_installed() {
  restoring_ = false;
  next_sync_ms_ = now_ms_;
  changed();
}

// Books this device may not sync with its clinic are left alone, and the status says why.
void Backend::check_books() {
  sync_blocked_.clear();
  if (!replica_ || !link_.paired()) return;
  try {
    if (replica_->has_unrecorded_books()) {
      sync_blocked_ = "books_need_import";
    } else if (const std::string clinic = replica_->clinic(); !clinic.empty() && clinic != link_.clinic_id) {
      sync_blocked_ = "other_clinic";  // a backup of another clinic restored here
    }
  } catch (const store::StoreError&) {
    sync_blocked_ = "storage_error";
  }
}

void Backend::start_sync() {
  if (!replica_ || !link_.paired() || connection_ == Connection::Revoked || restoring_ || !sync_blocked_.empty()) return;
  if (sync_client_->running()) {
    sync_again_ = true;  // what was asked may come after this exchange's pull: another one
    return;
  }
  sync_again_ = false;
  next_sync_ms_ = now_ms_ + kSyncMs;  // until the outcome sets it
  const std::uint64_t generation = generation_;
  sync_client_->run(link_, [this, generation](const SyncOutcome& outcome) {
    if (generation != generation_) return;  // the link was forgotten meanwhile
    synced(outcome);
  });
  changed();
}

void Backend::synced(const SyncOutcome& outcome) {
  last_sync_ = outcome;
  ever_synced_ = true;
  sync_error_ = outcome.ok ? std::string() : outcome.error;
  if (!outcome.reached) {
    connection_ = Connection::Offline;
  } else if (outcome.error == "unauthorized") {
    connection_ = Connection::Revoked;
  } else {
    connection_ = Connection::Online;
  }
  if (outcome.ok) {
    sync_backoff_ms_ = 0;
    // Asked for during this exchange (a card answer): again at once.
    next_sync_ms_ = sync_again_ ? now_ms_ : now_ms_ + kSyncMs;
  } else {
    sync_backoff_ms_ = std::min(kMaxBackoffMs, sync_backoff_ms_ == 0 ? kFirstBackoffMs : sync_backoff_ms_ * 2);
    next_sync_ms_ = now_ms_ + sync_backoff_ms_;
  }
  // Once a session (refusals made in an earlier one), then after each exchange that refused one.
  if (outcome.refused > 0 || !refusals_read_) read_refusals();
  if (outcome.pulled > 0 || !parked_read_) read_parked();
  if (outcome.pulled > 0 || outcome.pushed > 0 || outcome.rebased > 0 || outcome.refused > 0) {
    if (synced_) synced_();
  }
  changed();
}

void Backend::read_parked() {
  if (!replica_) return;
  try {
    blocked_code_ = replica_->parked_count() > 0 ? "parked" : "";
    parked_read_ = true;
  } catch (const store::StoreError&) {
    // Read again after the next exchange.
  }
}

void Backend::read_refusals() {
  if (!replica_) return;
  try {
    refused_count_ = replica_->refused_by_server_count();
    last_refusal_ = refused_count_ > 0 ? replica_->last_refusal() : std::string();
    refusals_read_ = true;
  } catch (const store::StoreError&) {
    // Read again after the next refusal; the books themselves keep them either way.
  }
}

std::int64_t Backend::pending() {
  if (!replica_) return 0;
  try {
    return replica_->pending_count();
  } catch (const store::StoreError&) {
    return 0;
  }
}

SyncState Backend::sync_state() const {
  if (!replica_ || !link_.paired() || simulated_) return SyncState::Off;
  if (!sync_blocked_.empty()) return SyncState::Failed;
  if (restoring_ || sync_client_->running()) return SyncState::Syncing;
  if (sync_error_ == "update_required") return SyncState::UpdateRequired;
  if (!ever_synced_) return SyncState::Waiting;
  if (!sync_error_.empty() && sync_error_ != "network") return SyncState::Failed;
  // pending() reads the database: the caller asks it separately.
  return last_sync_.ok ? SyncState::UpToDate : SyncState::Pending;
}

bool Backend::apply_event(const Json& event) {
  if (!event.is_object() || !event.contains("seq") || !event["seq"].is_number_integer()) return false;
  // Named by the clinic and the seq: a seq is unique on one server only, and a device moved to
  // another (reinstalled) server must not meet its old events' ids with other contents.
  const Json answer = commands_.exec(
      {{"cmd", "server_event.apply"},
       {"id", "srv-" + link_.clinic_id + "-" + std::to_string(event["seq"].get<std::int64_t>())},
       {"event", event}});
  if (answer.value("ok", false)) return true;
  blocked_code_ = answer["error"].value("code", "internal_error");
  return false;
}

void Backend::apply_event_of(const CallResult& result) {
  if (!simulated_ || !result.body.is_object()) return;  // a real server's facts come through the log
  if (result.body.contains("event")) {
    apply_event(result.body["event"]);
  } else if (result.body.contains("error") && result.body["error"].is_object() &&
             result.body["error"].contains("event")) {
    apply_event(result.body["error"]["event"]);
  }
}

void Backend::learn() {
  if (simulated_) {
    pull();
  } else {
    start_sync();
  }
}

std::int64_t Backend::log_cursor() {
  if (simulated_ || !replica_) return link_.events_after;
  try {
    return replica_->cursor();
  } catch (const store::StoreError&) {
    return 0;  // the server then takes every payment of the invoice as not seen here: refused, safe
  }
}

void Backend::pull() {
  if (pulling_) {
    pull_again_ = true;
    return;
  }
  pulling_ = true;
  call("GET", "/api/events?after=" + std::to_string(link_.events_after) + "&limit=" + std::to_string(kEventPage),
       nullptr, [this](const CallResult& r) { pulled(r); });
}

void Backend::pulled(const CallResult& r) {
  pulling_ = false;
  bool more = false;
  if (r.ok() && r.body.contains("events") && r.body["events"].is_array()) {
    const std::int64_t before = link_.events_after;
    blocked_code_.clear();
    for (const Json& event : r.body["events"]) {
      if (!apply_event(event)) break;  // kept for the next pull: money is never skipped
      link_.events_after = event["seq"].get<std::int64_t>();
    }
    if (link_.events_after != before) save_(link_);
    more = r.body.value("more", false) && blocked_code_.empty();
  }
  if (more || pull_again_) {
    pull_again_ = false;
    pull();
  }
}

void Backend::expect_soon() {
  expect_until_ms_ = now_ms_ + kExpectingForMs;
  next_refresh_ms_ = std::min(next_refresh_ms_, now_ms_ + kExpectingRefreshMs);
}

void Backend::setup_card(const std::string& command_id, const std::string& patient_id, const std::string& patient_name,
                         const std::string& email, Done done) {
  const Json body = {{"command_id", command_id},
                     {"role", role()},
                     {"patient_id", patient_id},
                     {"patient_name", patient_name},
                     {"email", email}};
  call("POST", "/api/cards/setup", &body, [this, done = std::move(done)](const CallResult& r) {
    if (r.ok()) expect_soon();  // the card comes when the patient has given it to Stripe
    done(r);
    if (r.ok()) learn();  // it may be there already (a quick patient, the demo)
  });
}

void Backend::expect_payment() { expect_soon(); }

void Backend::simulate_request_payment(const Json& request, const std::string& paid_on, Done done) {
  const Json body = {{"request_id", request.value("request_id", "")},
                     {"kind", request.value("kind", "")},
                     {"patient_id", request.value("patient_id", "")},
                     {"amount", request.value("total", request.value("amount", std::int64_t{0}))},
                     {"currency", request.value("currency", "EUR")},
                     {"paid_on", paid_on}};
  call("POST", "/api/demo/pay-request", &body, [this, done = std::move(done)](const CallResult& r) {
    done(r);
    if (r.ok()) learn();
  });
}

void Backend::charge(const ChargeRequest& q, Done done) {
  const Json body = {{"command_id", q.command_id},
                     {"role", role()},
                     {"patient_id", q.patient_id},
                     {"invoice_id", q.invoice_id},
                     {"invoice_number", q.invoice_number},
                     {"amount", q.amount},
                     {"amount_due", q.amount},
                     {"currency", q.currency},
                     {"paid_on", q.paid_on},
                     {"log_after", log_cursor()}};
  call("POST", "/api/charges", &body, [this, done = std::move(done)](const CallResult& r) {
    apply_event_of(r);                   // the demo's payment (or decline) is in the books before the dialog hears of it
    if (r.status == 202) expect_soon();  // processing at the bank
    done(r);
    learn();  // a real server wrote the outcome into the log: it comes with the next pull
  });
}

void Backend::refund(const RefundRequest& q, Done done) {
  const Json body = {{"command_id", q.command_id}, {"role", role()},     {"payment_intent_id", q.payment_intent_id},
                     {"amount", q.amount},         {"reason", q.reason}, {"refunded_on", q.refunded_on}};
  call("POST", "/api/refunds", &body, [this, done = std::move(done)](const CallResult& r) {
    apply_event_of(r);
    done(r);
    learn();
  });
}

}  // namespace quittance::sync
