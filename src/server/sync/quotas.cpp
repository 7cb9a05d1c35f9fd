// Per-minute counters of the quotas. See sync/quotas.h.
#include "server/sync/quotas.h"

#include <algorithm>

namespace quittance::server {

std::int64_t MinuteCounter::grant(const std::vector<Quota>& quotas, std::int64_t n, std::int64_t now,
                                  std::int64_t* retry_after) {
  const std::int64_t minute = now / 60;
  if (shared_) {
    const std::int64_t granted = grant_shared(quotas, n, minute);
    if (granted < n) *retry_after = 60 - now % 60;
    return granted;
  }
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

// Each quota's row is locked by its upsert until the transaction ends, so that two processes
// granting from the same minute take turns; quotas come in the same order (device, clinic)
// from every caller, so two grants never wait on each other's rows.
std::int64_t MinuteCounter::grant_shared(const std::vector<Quota>& quotas, std::int64_t n, std::int64_t minute) {
  return shared_->with([&](Sql& db) {
    std::int64_t granted = n;
    db.transaction([&] {
      db.relax_durability();  // a crash forgets a few counts: at worst a device pushes a little more
      granted = n;
      for (const Quota& q : quotas) {
        SqlStatement s = db.prepare(
            "INSERT INTO quota_minutes(key, minute, count) VALUES (?, ?, 0) ON CONFLICT(key) DO UPDATE SET "
            "count = CASE WHEN quota_minutes.minute = excluded.minute THEN quota_minutes.count ELSE 0 END, "
            "minute = excluded.minute RETURNING count");
        s.bind(1, q.key).bind(2, minute);
        const std::int64_t used = s.step() ? s.column_int64(0) : 0;
        granted = std::min(granted, std::max<std::int64_t>(0, q.limit - used));
      }
      for (const Quota& q : quotas)
        db.prepare("UPDATE quota_minutes SET count = count + ? WHERE key = ?").bind(1, granted).bind(2, q.key).step();
    });
    return granted;
  });
}

}  // namespace quittance::server
