// A limit on failed attempts per caller (the remote address), in a sliding window: pairing
// codes are 8 characters out of 31 (about 10^12), and this keeps guessing one in its 10
// minutes out of reach. With SQLite (one server process) the attempts are counted in memory: a
// restart forgets, which costs an attacker nothing useful, since every code expires in 10
// minutes anyway. With PostgreSQL (several processes behind a balancer, each seeing part of an
// attacker's calls) they are counted in the database, table rate_limit_hits, which every
// process reads.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "server/store/server_db.h"

namespace quittance::server {

class FailureLimiter {
 public:
  // `name` tells this limit's rows from another's in the shared table; `shared` null (or a
  // SQLite database): counted in memory.
  FailureLimiter(std::string name, int max_failures, std::int64_t window_seconds, SharedDatabase* shared = nullptr);

  // Seconds to wait before `caller` may try again; 0 when it may try now.
  std::int64_t retry_after(const std::string& caller, std::int64_t now);
  // Counts a failed attempt of `caller`.
  void failed(const std::string& caller, std::int64_t now);
  // Forgets the callers with nothing left in the window: a limit counting every call of a
  // public route (the payment page's) would otherwise keep each address it ever saw.
  void forget_idle(std::int64_t now);

 private:
  void forget_old(std::deque<std::int64_t>& times, std::int64_t now) const;
  const std::string name_;
  const int max_failures_;
  const std::int64_t window_;
  SharedDatabase* const shared_;  // null: in memory
  std::mutex mutex_;
  std::map<std::string, std::deque<std::int64_t>> failures_;
};

}  // namespace quittance::server
