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
  // One statement for every quota's row and one to count the grant: on PostgreSQL each
  // statement is a round trip, and every push asks.
  std::string upsert = "INSERT INTO quota_minutes(key, minute, count) VALUES ";
  std::string update = "UPDATE quota_minutes SET count = count + ? WHERE key IN (";
  for (std::size_t i = 0; i < quotas.size(); ++i) {
    upsert += i == 0 ? "(?, ?, 0)" : ", (?, ?, 0)";
    update += i == 0 ? "?" : ", ?";
  }
  upsert +=
      " ON CONFLICT(key) DO UPDATE SET "
      "count = CASE WHEN quota_minutes.minute = excluded.minute THEN quota_minutes.count ELSE 0 END, "
      "minute = excluded.minute RETURNING key, count";
  update += ")";
  return shared_->with([&](Sql& db) {
    std::int64_t granted = n;
    db.transaction([&] {
      db.relax_durability();  // a crash forgets a few counts: at worst a device pushes a little more
      granted = n;
      SqlStatement rows = db.prepare(upsert);
      for (std::size_t i = 0; i < quotas.size(); ++i) {
        rows.bind(static_cast<int>(2 * i + 1), quotas[i].key).bind(static_cast<int>(2 * i + 2), minute);
      }
      while (rows.step()) {
        const std::string key = rows.column_text(0);
        for (const Quota& q : quotas) {
          if (q.key == key) granted = std::min(granted, std::max<std::int64_t>(0, q.limit - rows.column_int64(1)));
        }
      }
      if (granted == 0) return;
      SqlStatement count = db.prepare(update);
      count.bind(1, granted);
      for (std::size_t i = 0; i < quotas.size(); ++i) count.bind(static_cast<int>(i + 2), quotas[i].key);
      count.step();
    });
    return granted;
  });
}

}  // namespace quittance::server
