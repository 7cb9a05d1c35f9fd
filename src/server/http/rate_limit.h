// A limit on failed attempts per caller (the remote address), in a sliding window: pairing
// codes are 8 characters out of 31 (about 10^12), and this keeps guessing one in its 10
// minutes out of reach. In memory: a restart forgets, which costs an attacker nothing useful,
// since every code expires in 10 minutes anyway.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace quittance::server {

class FailureLimiter {
 public:
  FailureLimiter(int max_failures, std::int64_t window_seconds)
      : max_failures_(max_failures), window_(window_seconds) {}

  // Seconds to wait before `caller` may try again; 0 when it may try now.
  std::int64_t retry_after(const std::string& caller, std::int64_t now);
  // Counts a failed attempt of `caller`.
  void failed(const std::string& caller, std::int64_t now);
  // Forgets the callers with nothing left in the window: a limit counting every call of a
  // public route (the payment page's) would otherwise keep each address it ever saw.
  void forget_idle(std::int64_t now);

 private:
  void forget_old(std::deque<std::int64_t>& times, std::int64_t now) const;
  const int max_failures_;
  const std::int64_t window_;
  std::mutex mutex_;
  std::map<std::string, std::deque<std::int64_t>> failures_;
};

}  // namespace quittance::server
