// Per-minute counters of the quotas. See sync/quotas.h.
#include "server/sync/quotas.h"

#include <algorithm>

namespace quittance::server {

std::int64_t MinuteCounter::grant(const std::vector<Quota>& quotas, std::int64_t n, std::int64_t now,
                                  std::int64_t* retry_after) {
  const std::int64_t minute = now / 60;
  std::lock_guard<std::mutex> lock(mutex_);
  // Windows of past minutes hold nothing: dropped as they are met, and all of them now and then.
  if (windows_.size() > 10'000) {
    for (auto it = windows_.begin(); it != windows_.end();) it = it->second.minute < minute ? windows_.erase(it) : ++it;
  }
  std::int64_t granted = n;
  for (const Quota& q : quotas) {
    Window& w = windows_[q.key];
    if (w.minute != minute) w = Window{minute, 0};
    granted = std::min(granted, std::max<std::int64_t>(0, q.limit - w.count));
  }
  for (const Quota& q : quotas) windows_[q.key].count += granted;
  if (granted < n) *retry_after = 60 - now % 60;
  return granted;
}

}  // namespace quittance::server
