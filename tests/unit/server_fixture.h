// A real quittance-server for tests: its own data folder, a clinic made the way
// create-clinic makes it, a clock the test can move, on 127.0.0.1. Shared by the server's
// test files.
#pragma once
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "server/config.h"
#include "server/devices/devices.h"
#include "server/options.h"
#include "server/routes.h"
#include "server/store/server_db.h"
#include "test_database.h"
#include "server/stripe/signature.h"

namespace quittance::server::testing {

namespace fs = std::filesystem;

inline const std::string kWebhookSecret = "whsec_test_0123456789";
inline const std::string kOrigin = "https://app.quittance.test";

struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("quittance-auth-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

inline ServerConfig test_config() {
  ServerConfig config;
  config.stripe_webhook_secret = kWebhookSecret;
  config.allowed_origin = kOrigin;
  return config;
}

// One server on a free port, with a clock `skew` seconds ahead of the real one.
struct ApiServer {
  TempDir root;
  std::unique_ptr<SharedDatabase> db;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::atomic<std::int64_t> skew{0};
  int port = -1;
  NewDevice admin;  // the clinic's first device, as create-clinic makes it

  // `at_port` 0: any free port.
  explicit ApiServer(const ServerConfig& config = test_config(), int at_port = 0) {
    Options options;
    options.data_dir = (root.path / "data").string();
    options.web_dir = (root.path / "web").string();
    db = open_test_database(options.data_dir);
    admin = db->with([](Sql& d) { return create_clinic(d, "Cabinet Hélène Crête", system_now()); });
    server = make_server(options, config, *db, [this] { return system_now() + skew.load(); });
    if (at_port == 0) {
      port = server->bind_to_any_port("127.0.0.1");
    } else {
      port = server->bind_to_port("127.0.0.1", at_port) ? at_port : -1;
    }
    REQUIRE(port > 0);
    thread = std::thread([this] { server->listen_after_bind(); });
    for (int i = 0; i < 500 && !server->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(server->is_running());
  }
  ~ApiServer() {
    server->stop();
    thread.join();
  }

  std::int64_t now() const { return system_now() + skew.load(); }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_decompress(false);
    return c;
  }
  httplib::Result get(const std::string& path, const httplib::Headers& headers = {}) {
    return client().Get(path, headers);
  }
  httplib::Result post(const std::string& path, const std::string& body,
                       const std::string& content_type = "application/json", const httplib::Headers& headers = {}) {
    return client().Post(path, headers, body, content_type);
  }
  static httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

  // A webhook delivery signed with `secret` at time `t`.
  httplib::Result deliver(const std::string& body, std::int64_t t, const std::string& secret = kWebhookSecret) {
    const std::string ts = std::to_string(t);
    return post("/api/stripe/webhook", body, "application/json; charset=utf-8",
                {{"Stripe-Signature", "t=" + ts + ",v1=" + stripe_signature_v1(ts, body, secret)}});
  }

  std::int64_t count(const std::string& sql) {
    return db->with([&](Sql& d) {
      SqlStatement st = d.prepare(sql);
      REQUIRE(st.step());
      return st.column_int64(0);
    });
  }
};

inline Json body_of(const httplib::Result& res) {
  REQUIRE(res);
  Json body = Json::parse(res->body, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  return body;
}

// The status and error code of a JSON error answer; {0, ""} if it is not one.
inline std::pair<int, std::string> error_of(const httplib::Result& res) {
  REQUIRE(res);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  Json body = Json::parse(res->body, nullptr, false);
  if (body.is_discarded() || body.value("ok", true) || !body.contains("error")) return {0, ""};
  CHECK(body["error"]["message"].is_string());
  return {res->status, body["error"]["code"].get<std::string>()};
}

}  // namespace quittance::server::testing
