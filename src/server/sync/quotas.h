// How much one device and one clinic may put into the server (docs/security.md, « Quotas »): a
// compromised device, or a runaway one, cannot fill the server's disk or take its time from
// every other clinic. Operations per minute are counted in memory with SQLite, the one server
// process (a restart forgets, which gives an attacker one more minute), and in the database
// with PostgreSQL, where several processes share each clinic's minute (table quota_minutes);
// the bytes a clinic's log holds are the database's.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "server/store/server_db.h"

namespace quittance::server {

struct QuotaLimits {
  // A clinic's first device pushes its whole books at once (a large practice: a few hundred
  // thousand operations, 500 a request): a minute's quota lets that through in minutes.
  std::int64_t ops_per_device_minute = 20'000;
  std::int64_t ops_per_clinic_minute = 50'000;
  std::int64_t clinic_log_bytes = 2LL * 1024 * 1024 * 1024;  // a 100,000-invoice practice: ~100 MB
};

// Operations counted per key (a device, a clinic) in the current minute.
class MinuteCounter {
 public:
  // `shared` null, or a SQLite database: counted in memory.
  explicit MinuteCounter(SharedDatabase* shared = nullptr)
      : shared_(shared && shared->engine() == Sql::Engine::postgres ? shared : nullptr) {}

  struct Quota {
    std::string key;
    std::int64_t limit;
  };
  // How many of `n` operations fit this minute in every one of `quotas` (0 to n), counted in
  // all of them. When fewer than `n` fit, `retry_after` is the seconds left in the minute.
  std::int64_t grant(const std::vector<Quota>& quotas, std::int64_t n, std::int64_t now, std::int64_t* retry_after);

 private:
  struct Window {
    std::int64_t minute = 0, count = 0;
  };
  std::int64_t grant_shared(const std::vector<Quota>& quotas, std::int64_t n, std::int64_t minute);
  SharedDatabase* const shared_;  // null: in memory
  std::mutex mutex_;
  std::map<std::string, Window> windows_;
};

}  // namespace quittance::server
