// One exchange of this device with the clinic's operation log (docs/sync.md): pull until
// caught up, then push the outbox, pulling again whenever the server says another device
// pushed first. Asynchronous over HttpTransport (fetch() in the page): nothing waits, the
// caller is told once the exchange ended, and a new one is refused while one runs.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "sync/device_link.h"
#include "sync/http.h"
#include "sync/replica.h"

namespace quittance::sync {

struct SyncOutcome {
  bool ok = false;             // caught up and the outbox sent
  bool reached = false;        // the server answered at all (false: offline)
  std::string error;           // the server's error code, or "network"
  std::int64_t pulled = 0, pushed = 0, rebased = 0;
  std::int64_t refused = 0;    // operations of this device the server refused (kept, shown)
};

class SyncClient {
 public:
  SyncClient(HttpTransport& http, Replica& replica) : http_(http), replica_(replica) {}
  // False (and nothing starts) while an exchange runs.
  bool run(const DeviceLink& link, std::function<void(const SyncOutcome&)> done);
  bool running() const { return running_; }
  // Drops the running exchange: its late answers are ignored and `done` is never called (the
  // device was unpaired, or paired elsewhere, meanwhile).
  void cancel();

  static constexpr int kPullPage = 500;
  static constexpr std::size_t kPushBatch = 500;              // the server takes up to 500
  static constexpr std::size_t kPushBytes = 512 * 1024;       // and a body up to 1 MiB

 private:
  void pull();
  void push();
  void finish(bool ok, const std::string& error);
  void send(const std::string& method, const std::string& path, const std::string& body,
            std::function<void(const HttpResponse&)> then);

  HttpTransport& http_;
  Replica& replica_;
  DeviceLink link_;
  bool running_ = false;
  std::uint64_t epoch_ = 0;  // bumped by cancel(): answers of an older exchange are dropped
  int rounds_ = 0;  // pushes refused as stale in this exchange: another device is busy
  SyncOutcome outcome_;
  std::function<void(const SyncOutcome&)> done_;
};

}  // namespace quittance::sync
