// The sync of the clinic's operation log. See log_sync.h.
#include "sync/log_sync.h"

#include <algorithm>
#include <utility>

#include "app/command_id.h"

namespace quittance::sync {

namespace {

constexpr double kFirstBackoffMs = 2'000;
constexpr double kMaxBackoffMs = 60'000;
constexpr double kSyncMs = 10'000;        // an exchange this often when online (others' operations)
constexpr double kLocalChangeMs = 1'000;  // a change made here is sent this soon

}  // namespace

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

LogSync::LogSync(ServerLink& server, HttpTransport& http, app::CommandLayer& commands, store::Database* db)
    : server_(server), commands_(commands) {
  if (db) {
    replica_ = std::make_unique<Replica>(*db, commands);
    client_ = std::make_unique<SyncClient>(http, *replica_);
  }
}

LogSync::~LogSync() = default;

// [SECTION] The books' side of pairing --------------------------------------------------------

void LogSync::apply_origin() {
  if (!replica_) return;
  const DeviceLink& link = server_.link();
  const std::string origin = link.paired()            ? link.device_id
                             : link.local_id.empty() ? std::string()
                                                     : "local-" + link.local_id;
  commands_.set_origin(origin, link.paired() ? link.series : std::string());
}

void LogSync::started() {
  const DeviceLink& link = server_.link();
  try {
    // Paired by an earlier version: the books count in this clinic's log from now on.
    if (replica_ && link.paired() && replica_->clinic().empty() && !replica_->has_unrecorded_books()) {
      replica_->join(link.clinic_id, link.device_id);
    }
  } catch (const store::StoreError&) {
  }
  apply_origin();
  check_books();
  keep_series_setting();
}

void LogSync::forgotten() {
  apply_origin();
  // Requests waiting for an exchange of the old link: it will not come.
  for (auto& done : std::exchange(waiting_running_, {})) done(false);
  for (auto& done : std::exchange(waiting_next_, {})) done(false);
  ever_synced_ = false;
  error_.clear();
  blocked_.clear();
  restoring_ = false;
  if (client_) client_->cancel();  // its late answers belong to the old link
}

bool LogSync::has_unrecorded_books() { return replica_ && replica_->has_unrecorded_books(); }

BooksAtPairing LogSync::books() {
  if (!replica_) return {};
  return {replica_->has_books(), replica_->clinic(), replica_->cursor()};
}

void LogSync::joined(bool had_books, std::int64_t log_head) {
  if (!replica_) return;
  const DeviceLink& link = server_.link();
  try {
    replica_->join(link.clinic_id, link.device_id);
  } catch (const store::StoreError&) {
    blocked_ = "storage_error";  // the books could not be written: no exchange on them
  }
  apply_origin();
  keep_series_setting();
  // A new device of a clinic with a log: its books come whole from the server's snapshot.
  if (had_books || log_head <= 0 || !install_snapshot_) return;
  restoring_ = true;
  const std::uint64_t generation = server_.generation();
  install_snapshot_(link, [this, generation](bool downloaded) {
    if (generation != server_.generation()) return false;  // unpaired or paired elsewhere meanwhile
    if (downloaded) return true;                          // the platform swaps it in
    snapshot_not_installed();                             // the log from the start instead
    return false;
  });
}

std::string LogSync::books_clinic() const {
  try {
    return replica_ ? replica_->clinic() : std::string();
  } catch (const store::StoreError&) {
    return std::string();
  }
}

// Set again when the books were replaced (a snapshot holds the server's copy's settings).
void LogSync::keep_series_setting() {
  const DeviceLink& link = server_.link();
  if (!replica_ || !link.paired() || link.series.empty()) return;
  const Json current = commands_.query({{"cmd", "settings.get"}, {"key", "device.series"}});
  if (current.value("ok", false) && current["result"] == link.series) return;
  commands_.exec({{"cmd", "settings.set"}, {"id", app::new_command_id()}, {"key", "device.series"}, {"value", link.series}});
}

// Books this device may not sync with its clinic are left alone, and the status says why.
void LogSync::check_books() {
  blocked_.clear();
  if (!replica_ || !server_.link().paired()) return;
  try {
    if (replica_->has_unrecorded_books()) {
      blocked_ = "books_need_import";
    } else if (const std::string clinic = replica_->clinic(); !clinic.empty() && clinic != server_.link().clinic_id) {
      blocked_ = "other_clinic";  // a backup of another clinic restored here
    }
  } catch (const store::StoreError&) {
    blocked_ = "storage_error";
  }
}

// [SECTION] Scheduling ------------------------------------------------------------------------

void LogSync::local_change() {
  if (!replica_ || !server_.link().paired()) return;
  // Soon, unless the server is unreachable: then the backoff decides.
  if (server_.connection() != Connection::Offline) next_ms_ = std::min(next_ms_, server_.now_ms() + kLocalChangeMs);
  server_.changed();
}

// « Synchroniser maintenant »: the operations at once, the server's state at the next tick.
void LogSync::sync_now() {
  backoff_ms_ = 0;
  server_.refresh_soon();
  exchange();
}

void LogSync::after_next_exchange(std::function<void(bool ok)> done) {
  if (!replica_ || !server_.link().paired() || server_.simulated() || server_.connection() == Connection::Revoked ||
      restoring_ || !blocked_.empty()) {
    done(true);  // nothing of this device's goes to the log now: nothing to wait for
    return;
  }
  waiting_next_.push_back(std::move(done));
  exchange();
}

void LogSync::tick(double now_ms) {
  if (now_ms >= next_ms_) exchange();
}

void LogSync::snapshot_not_installed() {
  restoring_ = false;
  next_ms_ = server_.now_ms();
  server_.changed();
}

void LogSync::exchange() {
  if (!replica_ || !server_.link().paired() || server_.connection() == Connection::Revoked || restoring_ ||
      !blocked_.empty()) {
    return;
  }
  if (client_->running()) {
    again_ = true;  // what was asked may come after this exchange's pull: another one
    return;
  }
  again_ = false;
  for (auto& done : waiting_next_) waiting_running_.push_back(std::move(done));
  waiting_next_.clear();
  next_ms_ = server_.now_ms() + kSyncMs;  // until the outcome sets it
  const std::uint64_t generation = server_.generation();
  client_->run(server_.link(), [this, generation](const SyncOutcome& outcome) {
    if (generation != server_.generation()) return;  // the link was forgotten meanwhile
    finished(outcome);
  });
  server_.changed();
}

void LogSync::finished(const SyncOutcome& outcome) {
  last_ = outcome;
  ever_synced_ = true;
  error_ = outcome.ok ? std::string() : outcome.error;
  if (!outcome.reached) {
    server_.set_connection(Connection::Offline);
  } else if (outcome.error == "unauthorized") {
    server_.set_connection(Connection::Revoked);
  } else {
    server_.set_connection(Connection::Online);
  }
  const double now = server_.now_ms();
  if (outcome.ok) {
    backoff_ms_ = 0;
    next_ms_ = again_ ? now : now + kSyncMs;  // asked for during this exchange: again at once
  } else {
    backoff_ms_ = std::min(kMaxBackoffMs, backoff_ms_ == 0 ? kFirstBackoffMs : backoff_ms_ * 2);
    next_ms_ = now + backoff_ms_;
  }
  // Once a session (refusals made in an earlier one), then after each exchange that refused one.
  if (outcome.refused > 0 || !refusals_read_) read_refusals();
  if (outcome.pulled > 0 || !parked_read_) read_parked();
  if (outcome.pulled > 0 || outcome.pushed > 0 || outcome.rebased > 0 || outcome.refused > 0) {
    if (synced_) synced_();
  }
  for (auto& done : std::exchange(waiting_running_, {})) done(outcome.ok);
  if (!waiting_next_.empty()) exchange();
  server_.changed();
}

// [SECTION] State -----------------------------------------------------------------------------

void LogSync::read_parked() {
  try {
    parked_ = replica_->parked_count() > 0;
    parked_read_ = true;
  } catch (const store::StoreError&) {
    // Read again after the next exchange.
  }
}

void LogSync::read_refusals() {
  try {
    refused_count_ = replica_->refused_by_server_count();
    last_refusal_ = refused_count_ > 0 ? replica_->last_refusal() : std::string();
    refusals_read_ = true;
  } catch (const store::StoreError&) {
    // Read again after the next refusal; the books themselves keep them either way.
  }
}

// The status bar's figures: an unreadable database reads as zero here and is said elsewhere
// (the next exchange or command reports the storage error).
std::int64_t LogSync::count_or_zero(std::int64_t (Replica::*read)()) {
  if (!replica_) return 0;
  try {
    return (replica_.get()->*read)();
  } catch (const store::StoreError&) {
    return 0;
  }
}

std::int64_t LogSync::pending() { return count_or_zero(&Replica::pending_count); }

std::int64_t LogSync::cursor() { return count_or_zero(&Replica::cursor); }

std::int64_t LogSync::applied_through() { return count_or_zero(&Replica::applied_through); }

SyncState LogSync::state() const {
  if (!replica_ || !server_.link().paired() || server_.simulated()) return SyncState::Off;
  if (!blocked_.empty()) return SyncState::Failed;
  if (restoring_ || client_->running()) return SyncState::Syncing;
  if (error_ == "update_required") return SyncState::UpdateRequired;
  if (!ever_synced_) return SyncState::Waiting;
  if (!error_.empty() && error_ != "network") return SyncState::Failed;
  // pending() reads the database: the caller asks it separately.
  return last_.ok ? SyncState::UpToDate : SyncState::Pending;
}

}  // namespace quittance::sync
