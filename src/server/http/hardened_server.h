// cpp-httplib's server with the limits a public service needs and Debian's 0.11.4 lacks
// (docs/security.md, « HTTP hardening »). It reads each connection itself (httplib lets a
// subclass do so, as its SSLServer does) to bound what a client may make it hold before any
// route runs:
// - the request line and headers: at most kMaxHeaderBytes and kMaxHeaders, within
//   kHeaderSeconds of the request's first byte (a client trickling a header line every few
//   seconds is cut off, instead of holding a worker for ever);
// - connections per client address (kMaxConnectionsPerAddress), so that a few dozen slow
//   clients cannot take every worker while /healthz and everyone else wait;
// - Range: one range at most; several (overlapping or not) are answered with the whole file,
//   once, where httplib would build a response of every range asked (hundreds of times the
//   file);
// - the client's address: the peer's, or for a configured trusted proxy the address it
//   forwarded (X-Forwarded-For, right to left, skipping trusted proxies), so that rate limits
//   count patients, not the proxy.
#pragma once
#include <httplib.h>

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace quittance::server {

inline constexpr std::size_t kMaxHeaderBytes = 32 * 1024;
inline constexpr std::size_t kMaxHeaders = 100;
inline constexpr int kHeaderSeconds = 10;
inline constexpr int kMaxConnectionsPerAddress = 32;
inline constexpr int kWorkerThreads = 128;

// Addresses of trusted reverse proxies: exact IPv4 or IPv6 addresses, comma-separated
// (QUITTANCE_TRUSTED_PROXIES). Malformed entries make `error` non-empty.
struct TrustedProxies {
  std::vector<std::string> addresses;
  bool contains(const std::string& address) const;
};
TrustedProxies parse_trusted_proxies(const std::string& text, std::string* error);

// The client's address for `peer` given the X-Forwarded-For header's value (docs/security.md).
std::string client_address(const std::string& peer, const std::string& forwarded_for, const TrustedProxies& proxies);

// True while the request being routed on this thread broke a header limit: the pre-routing
// handler answers 431 for it.
bool request_headers_over_limit();

class HardenedServer : public httplib::Server {
 public:
  explicit HardenedServer(TrustedProxies proxies);

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool admit(const std::string& peer);
  void release(const std::string& peer);

  TrustedProxies proxies_;
  std::mutex mutex_;
  std::map<std::string, int> connections_;  // per peer address
};

}  // namespace quittance::server
