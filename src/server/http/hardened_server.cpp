// The hardened HTTP server. See http/hardened_server.h.
#include "server/http/hardened_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstring>

#include "core/text.h"

namespace quittance::server {

namespace {

using SteadyClock = std::chrono::steady_clock;

thread_local bool t_headers_over_limit = false;

std::string address_of(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, text, sizeof text);
  } else if (addr.ss_family == AF_INET6) {
    const auto& a6 = reinterpret_cast<const sockaddr_in6&>(addr);
    // An IPv4 client on a dual-stack socket reads as its IPv4 address.
    if (IN6_IS_ADDR_V4MAPPED(&a6.sin6_addr)) {
      inet_ntop(AF_INET, &a6.sin6_addr.s6_addr[12], text, sizeof text);
    } else {
      inet_ntop(AF_INET6, &a6.sin6_addr, text, sizeof text);
    }
  }
  return text;
}

int port_of(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  return 0;
}

bool valid_ip(const std::string& s) {
  in6_addr a6{};
  in_addr a4{};
  return inet_pton(AF_INET, s.c_str(), &a4) == 1 || inet_pton(AF_INET6, s.c_str(), &a6) == 1;
}

std::string trim(const std::string& s) { return std::string(core::trim(s)); }

// Waits until `sock` can be read (or written) or `ms` pass; false on timeout or error.
bool wait_for(int sock, short events, int ms) {
  pollfd p{sock, events, 0};
  int r;
  do {
    r = ::poll(&p, 1, ms);
  } while (r < 0 && errno == EINTR);
  return r > 0 && (p.revents & (events | POLLHUP | POLLERR)) != 0;
}

// One connection's socket, read through a small buffer. While the request line and headers
// are read (until the request is set up), the bytes and the time they may take are bounded.
class BoundedStream : public httplib::Stream {
 public:
  BoundedStream(int sock, int read_ms, int write_ms) : sock_(sock), read_ms_(read_ms), write_ms_(write_ms) {}

  void begin_request() {
    in_headers_ = true;
    header_bytes_ = 0;
    header_deadline_ = SteadyClock::now() + std::chrono::seconds(kHeaderSeconds);
  }
  void headers_done() { in_headers_ = false; }
  bool buffered() const { return begin_ < end_; }

  bool is_readable() const override { return buffered() || wait_for(sock_, POLLIN, read_ms_); }
  bool is_writable() const override { return wait_for(sock_, POLLOUT, write_ms_); }

  ssize_t read(char* ptr, std::size_t size) override {
    if (in_headers_) {
      if (header_bytes_ >= kMaxHeaderBytes) return -1;
      size = std::min(size, kMaxHeaderBytes - header_bytes_);
    }
    if (!buffered()) {
      int wait_ms = read_ms_;
      if (in_headers_) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(header_deadline_ - SteadyClock::now());
        if (left.count() <= 0) return -1;
        wait_ms = std::min<int>(wait_ms, static_cast<int>(left.count()));
      }
      if (!wait_for(sock_, POLLIN, wait_ms)) return -1;
      ssize_t n;
      do {
        n = ::recv(sock_, buffer_.data(), buffer_.size(), 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<std::size_t>(n);
    }
    const std::size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_.data() + begin_, n);
    begin_ += n;
    if (in_headers_) header_bytes_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, std::size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n;
    do {
      n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { end_of(::getpeername, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { end_of(::getsockname, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  // One end of the connection, as getpeername or getsockname gives it.
  void end_of(int (*which)(int, sockaddr*, socklen_t*), std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (which(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      ip = address_of(addr);
      port = port_of(addr);
    }
  }

  int sock_, read_ms_, write_ms_;
  std::array<char, 4096> buffer_{};
  std::size_t begin_ = 0, end_ = 0;
  bool in_headers_ = false;
  std::size_t header_bytes_ = 0;
  SteadyClock::time_point header_deadline_;
};

}  // namespace

bool TrustedProxies::contains(const std::string& address) const {
  for (const std::string& a : addresses)
    if (a == address) return true;
  return false;
}

TrustedProxies parse_trusted_proxies(const std::string& text, std::string* error) {
  TrustedProxies out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = text.find(',', at);
    const std::string item = trim(text.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (!item.empty()) {
      if (!valid_ip(item)) {
        *error = "QUITTANCE_TRUSTED_PROXIES: \"" + item + "\" is not an IP address";
        return {};
      }
      out.addresses.push_back(item);
    }
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

std::string client_address(const std::string& peer, const std::string& forwarded_for, const TrustedProxies& proxies) {
  if (!proxies.contains(peer) || forwarded_for.empty()) return peer;
  // Right to left: each hop appends the address it received from. The first one that is not
  // one of our proxies is the client (anything further left is the client's own word).
  std::string client = peer;
  std::size_t end = forwarded_for.size();
  while (true) {
    const std::size_t comma = forwarded_for.rfind(',', end == 0 ? 0 : end - 1);
    const std::size_t begin = comma == std::string::npos ? 0 : comma + 1;
    const std::string hop = trim(forwarded_for.substr(begin, end - begin));
    if (!valid_ip(hop)) return client;  // garbage: the last address we could trust
    client = hop;
    if (!proxies.contains(hop) || comma == std::string::npos) return client;
    end = comma;
  }
}

bool request_headers_over_limit() { return t_headers_over_limit; }

HardenedServer::HardenedServer(TrustedProxies proxies) : proxies_(std::move(proxies)) {
  new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
}

bool HardenedServer::admit(const std::string& peer) {
  if (proxies_.contains(peer)) return true;  // every patient behind it: the proxy limits them
  std::lock_guard<std::mutex> lock(mutex_);
  int& n = connections_[peer];
  if (n >= kMaxConnectionsPerAddress) return false;
  ++n;
  return true;
}

void HardenedServer::release(const std::string& peer) {
  if (proxies_.contains(peer)) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = connections_.find(peer);
  if (it != connections_.end() && --it->second <= 0) connections_.erase(it);
}

bool HardenedServer::process_and_close_socket(socket_t sock) {
  const int read_ms = static_cast<int>(read_timeout_sec_ * 1000 + read_timeout_usec_ / 1000);
  const int write_ms = static_cast<int>(write_timeout_sec_ * 1000 + write_timeout_usec_ / 1000);
  BoundedStream strm(sock, read_ms, write_ms);
  std::string peer;
  int peer_port = 0;
  strm.get_remote_ip_and_port(peer, peer_port);
  bool ok = false;
  if (!admit(peer)) {
    static const char kBusy[] =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 5\r\nConnection: close\r\n\r\n";
    strm.write(kBusy, sizeof kBusy - 1);
  } else {
    // As httplib's keep-alive loop: up to keep_alive_max_count_ requests, each awaited up to
    // keep_alive_timeout_sec_, the wait cut short when the server stops.
    for (std::size_t count = keep_alive_max_count_; count > 0; --count) {
      bool readable = strm.buffered();
      for (time_t waited_ms = 0; !readable && waited_ms < keep_alive_timeout_sec_ * 1000; waited_ms += 100) {
        if (svr_sock_ == INVALID_SOCKET) break;
        readable = wait_for(sock, POLLIN, 100);
      }
      if (!readable || svr_sock_ == INVALID_SOCKET) break;
      strm.begin_request();
      t_headers_over_limit = false;
      bool connection_closed = false;
      ok = process_request(strm, count == 1, connection_closed, [&](httplib::Request& req) {
        strm.headers_done();
        t_headers_over_limit = req.headers.size() > kMaxHeaders + 4;  // + the 4 httplib adds
        // Several ranges: the whole file, once (http/hardened_server.h).
        if (req.ranges.size() > 1) {
          req.ranges.clear();
          req.headers.erase("Range");
        }
        req.remote_addr = client_address(peer, req.get_header_value("X-Forwarded-For"), proxies_);
      });
      t_headers_over_limit = false;
      if (!ok || connection_closed) break;
    }
    release(peer);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace quittance::server
