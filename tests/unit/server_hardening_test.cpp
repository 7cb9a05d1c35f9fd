// What a visitor with nothing but sockets can try before any route runs (docs/security.md,
// « HTTP hardening »): overlapping ranges, oversized or endless headers, slow clients by the
// dozen, symbolic links in the web folder, X-Forwarded-For from someone who is no proxy.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <doctest/doctest.h>

#include <cerrno>
#include <fstream>

#include "server/http/hardened_server.h"
#include "server_fixture.h"

using namespace quittance::server;
using namespace quittance::server::testing;

namespace {

// A raw TCP connection to the server from `source` (any 127.x.y.z address is this machine).
struct RawClient {
  int fd = -1;
  RawClient(int port, const char* source = "127.0.0.1") {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    inet_pton(AF_INET, source, &from.sin_addr);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
    timeval tv{15, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawClient() {
    if (fd >= 0) ::close(fd);
  }
  bool send_text(const std::string& s) { return ::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == ssize_t(s.size()); }
  // Everything until the server closes (or 15 s pass).
  std::string read_all() {
    std::string out;
    char buf[65536];
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
};

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace

TEST_CASE("many overlapping ranges get the whole file once, not a response of every range") {
  ApiServer s;
  const std::string file(100 * 1024, 'q');
  write_file(s.root.path / "web" / "big.bin", file);
  std::string ranges = "bytes=0-102399";
  for (int i = 0; i < 299; ++i) ranges += ",0-102399";
  auto res = s.get("/big.bin", {{"Range", ranges}});
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.size() == file.size());
  // One range is still a range.
  res = s.get("/big.bin", {{"Range", "bytes=10-19"}});
  REQUIRE(res);
  CHECK(res->status == 206);
  CHECK(res->body == std::string(10, 'q'));
}

TEST_CASE("headers are bounded in number and size, and the server keeps serving") {
  ApiServer s;
  {
    RawClient c(s.port);
    std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 150; ++i) request += "X-Pad-" + std::to_string(i) + ": y\r\n";
    c.send_text(request + "\r\n");
    CHECK(c.read_all().rfind("HTTP/1.1 431", 0) == 0);
  }
  {
    // 128 MiB of headers would be read whole by httplib 0.11: cut off after 32 KiB. The server
    // answers or closes at once; it does not wait for more (which would leave the read below
    // to time out). How much the kernel buffers before the close is seen is not asserted.
    RawClient c(s.port);
    c.send_text("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    const std::string line = "X-Pad: " + std::string(8000, 'a') + "\r\n";
    for (int i = 0; i < 128 && c.send_text(line); ++i) {
    }
    timeval tv{5, 0};
    setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[64] = {};
    errno = 0;
    const ssize_t n = ::recv(c.fd, buf, sizeof buf - 1, 0);
    const bool answered = n > 0 && std::string(buf).rfind("HTTP/1.1 4", 0) == 0;
    const bool closed = n == 0 || (n < 0 && errno == ECONNRESET);
    CHECK_MESSAGE((answered || closed), "recv: ", n, " errno ", errno);
  }
  CHECK(s.get("/healthz")->status == 200);
}

TEST_CASE("a few dozen slow clients neither stall /healthz nor take more than their share") {
  ApiServer s;
  // Thirty clients from ten addresses, each trickling a header line every 300 ms.
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 30; ++i) {
    const std::string source = "127.0.0." + std::to_string(10 + i % 10);
    slow.push_back(std::make_unique<RawClient>(s.port, source.c_str()));
    slow.back()->send_text("GET /healthz HTTP/1.1\r\n");
  }
  for (int round = 0; round < 5; ++round) {
    for (auto& c : slow) c->send_text("X-Slow: 1\r\n");
    const auto start = std::chrono::steady_clock::now();
    auto res = s.get("/healthz");
    const auto took = std::chrono::steady_clock::now() - start;
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(took < std::chrono::seconds(2));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  // One address holds at most kMaxConnectionsPerAddress connections: the next is told to wait.
  std::vector<std::unique_ptr<RawClient>> greedy;
  for (int i = 0; i < kMaxConnectionsPerAddress; ++i) {
    greedy.push_back(std::make_unique<RawClient>(s.port, "127.0.0.99"));
    greedy.back()->send_text("GET /healthz HTTP/1.1\r\n");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  RawClient one_more(s.port, "127.0.0.99");
  CHECK(one_more.read_all().rfind("HTTP/1.1 503", 0) == 0);
  CHECK(s.get("/healthz")->status == 200);
}

TEST_CASE("a client trickling its headers is cut off after the header deadline") {
  ApiServer s;
  RawClient c(s.port, "127.0.0.7");
  c.send_text("GET /healthz HTTP/1.1\r\n");
  const auto start = std::chrono::steady_clock::now();
  bool open = true;
  while (open && std::chrono::steady_clock::now() - start < std::chrono::seconds(kHeaderSeconds + 5)) {
    open = c.send_text("X-Slow: 1\r\n");
    char b;
    if (::recv(c.fd, &b, 1, MSG_DONTWAIT) >= 0) open = false;  // an answer, or the close
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  CHECK_FALSE(open);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(kHeaderSeconds + 3));
}

TEST_CASE("symbolic links in the web folder are never followed") {
  ApiServer s;
  const fs::path web = s.root.path / "web";
  write_file(s.root.path / "secret" / "token.txt", "device token");
  write_file(web / "real.txt", "ok");
  fs::create_symlink(s.root.path / "secret" / "token.txt", web / "leak.txt");
  fs::create_directory_symlink(s.root.path / "secret", web / "dir");
  CHECK(s.get("/real.txt")->status == 200);
  CHECK(s.get("/leak.txt")->status == 404);
  CHECK(s.get("/dir/token.txt")->status == 404);
}

TEST_CASE("the app's pages come with a CSP that keeps them out of other sites' frames") {
  ApiServer s;
  write_file(s.root.path / "web" / "index.html", "<!doctype html>");
  auto res = s.get("/");
  REQUIRE(res);
  CHECK(res->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'") != std::string::npos);
  CHECK(res->get_header_value("Content-Security-Policy").find("script-src 'self' 'wasm-unsafe-eval'") !=
        std::string::npos);
  CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(res->get_header_value("Referrer-Policy") == "no-referrer");
  CHECK(s.get("/api/whoami")->get_header_value("X-Content-Type-Options") == "nosniff");
}

TEST_CASE("X-Forwarded-For counts only from a trusted proxy, right to left") {
  std::string error;
  const TrustedProxies proxies = parse_trusted_proxies("127.0.0.1, ::1,10.0.0.2", &error);
  CHECK(error.empty());
  CHECK(proxies.addresses.size() == 3);
  parse_trusted_proxies("127.0.0.1,proxy.example", &error);
  CHECK(error.find("proxy.example") != std::string::npos);
  // From a proxy: the address it appended; further left is the client's own word.
  CHECK(client_address("127.0.0.1", "203.0.113.9", proxies) == "203.0.113.9");
  CHECK(client_address("127.0.0.1", "1.2.3.4, 203.0.113.9", proxies) == "203.0.113.9");
  CHECK(client_address("127.0.0.1", "203.0.113.9, 10.0.0.2", proxies) == "203.0.113.9");
  CHECK(client_address("127.0.0.1", "garbage", proxies) == "127.0.0.1");
  // From anyone else: ignored.
  CHECK(client_address("198.51.100.7", "203.0.113.9", proxies) == "198.51.100.7");
}

TEST_CASE("behind a trusted proxy, one patient's wrong pairing codes do not lock out the others") {
  ServerConfig config = test_config();
  std::string error;
  config.trusted_proxies = parse_trusted_proxies("127.0.0.1", &error);
  ApiServer s(config);
  const std::string wrong = Json{{"code", "ZZZZ-ZZZZ"}, {"name", "Tablette"}}.dump();
  for (int i = 0; i < 12; ++i) {
    s.client().Post("/api/devices/pair", {{"X-Forwarded-For", "203.0.113.1"}}, wrong, "application/json");
  }
  auto guesser = s.client().Post("/api/devices/pair", {{"X-Forwarded-For", "203.0.113.1"}}, wrong, "application/json");
  REQUIRE(guesser);
  CHECK(guesser->status == 429);
  auto other = s.client().Post("/api/devices/pair", {{"X-Forwarded-For", "203.0.113.2"}}, wrong, "application/json");
  REQUIRE(other);
  CHECK(other->status == 400);  // an unknown code, not the guesser's lock-out
}

TEST_CASE("a payment link's token never reaches the log") {
  CHECK(loggable_path("/pay/abcdef0123456789") == "/pay/…");
  CHECK(loggable_path("/api/pay/abcdef0123456789/intent") == "/api/pay/…");
  CHECK(loggable_path("/api/sync/push") == "/api/sync/push");
  CHECK(loggable_path("/x\r\nforged") == "/x??forged");
}

TEST_CASE("a snapshot that cannot be made says so without the server's internals") {
  ApiServer s;
  // The clinic's books cannot be written: a file stands where their folder goes.
  write_file(s.root.path / "data" / "snapshots", "not a folder");
  const Json code = body_of(s.post("/api/devices/pairing-code", "{}", "application/json", ApiServer::bearer(s.admin.device_token)));
  const Json device = body_of(s.post("/api/devices/pair", Json{{"code", code["code"]}, {"name", "Poste"}}.dump()));
  const std::string token = device["device_token"];
  const Json op = {{"id", "p-1"}, {"name", "patient.create"}, {"actor", "owner"},
                   {"body", Json{{"cmd", "patient.create"}, {"id", "p-1"}, {"name", "Léa"}}.dump()},
                   {"at", "2026-11-21T09:00:00Z"}, {"day", "2026-11-21"}, {"origin", device["device_id"]},
                   {"series", device["series"]}};
  REQUIRE(s.post("/api/sync/push", Json{{"protocol", 1}, {"base", 0}, {"ops", Json::array({op})}}.dump(),
                 "application/json", ApiServer::bearer(token))->status == 200);
  auto res = s.get("/api/sync/snapshot", ApiServer::bearer(token));
  REQUIRE(res);
  CHECK(res->status >= 500);
  CHECK(res->body.find("snapshots") == std::string::npos);
  CHECK(res->body.find(s.root.path.string()) == std::string::npos);
  CHECK(s.get("/healthz")->status == 200);
}
