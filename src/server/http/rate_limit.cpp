// Failed-attempt limits. See http/rate_limit.h.
#include "server/http/rate_limit.h"

#include <iterator>

namespace quittance::server {

void FailureLimiter::forget_old(std::deque<std::int64_t>& times, std::int64_t now) const {
  while (!times.empty() && times.front() <= now - window_) times.pop_front();
}

std::int64_t FailureLimiter::retry_after(const std::string& caller, std::int64_t now) {
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
  std::lock_guard<std::mutex> lock(mutex_);
  std::deque<std::int64_t>& times = failures_[caller];
  forget_old(times, now);
  times.push_back(now);
}

void FailureLimiter::forget_idle(std::int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = failures_.begin(); it != failures_.end();) {
    forget_old(it->second, now);
    it = it->second.empty() ? failures_.erase(it) : std::next(it);
  }
}

}  // namespace quittance::server
