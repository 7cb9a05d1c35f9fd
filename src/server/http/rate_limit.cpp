// Failed-attempt limits. See http/rate_limit.h.
#include "server/http/rate_limit.h"

#include <iterator>
#include <utility>

namespace quittance::server {

FailureLimiter::FailureLimiter(std::string name, int max_failures, std::int64_t window_seconds,
                               SharedDatabase* shared)
    : name_(std::move(name)),
      max_failures_(max_failures),
      window_(window_seconds),
      shared_(shared && shared->engine() == Sql::Engine::postgres ? shared : nullptr) {}

void FailureLimiter::forget_old(std::deque<std::int64_t>& times, std::int64_t now) const {
  while (!times.empty() && times.front() <= now - window_) times.pop_front();
}

std::int64_t FailureLimiter::retry_after(const std::string& caller, std::int64_t now) {
  if (shared_) {
    return shared_->with([&](Sql& db) -> std::int64_t {
      SqlStatement s = db.prepare(
          "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM rate_limit_hits WHERE limiter = ? AND caller = ? AND at > ?");
      s.bind(1, name_).bind(2, caller).bind(3, now - window_);
      s.step();
      return s.column_int64(0) < max_failures_ ? 0 : s.column_int64(1) + window_ - now;
    });
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = failures_.find(caller);
  if (it == failures_.end()) return 0;
  forget_old(it->second, now);
  if (it->second.empty()) {
    failures_.erase(it);  // the map holds only callers that failed lately
    return 0;
  }
  if (static_cast<int>(it->second.size()) < max_failures_) return 0;
  return it->second.front() + window_ - now;
}

void FailureLimiter::failed(const std::string& caller, std::int64_t now) {
  if (shared_) {
    shared_->with([&](Sql& db) {
      db.transaction([&] {
        db.relax_durability();  // a crash forgets the last attempts, as a restart did in memory
        db.prepare("DELETE FROM rate_limit_hits WHERE limiter = ? AND caller = ? AND at <= ?")
            .bind(1, name_)
            .bind(2, caller)
            .bind(3, now - window_)
            .step();
        db.prepare("INSERT INTO rate_limit_hits(limiter, caller, at) VALUES (?, ?, ?)")
            .bind(1, name_)
            .bind(2, caller)
            .bind(3, now)
            .step();
      });
    });
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  std::deque<std::int64_t>& times = failures_[caller];
  forget_old(times, now);
  times.push_back(now);
}

void FailureLimiter::forget_idle(std::int64_t now) {
  if (shared_) {
    shared_->with([&](Sql& db) {
      db.prepare("DELETE FROM rate_limit_hits WHERE limiter = ? AND at <= ?").bind(1, name_).bind(2, now - window_).step();
    });
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = failures_.begin(); it != failures_.end();) {
    forget_old(it->second, now);
    it = it->second.empty() ? failures_.erase(it) : std::next(it);
  }
}

}  // namespace quittance::server
