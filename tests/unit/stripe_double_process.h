// The local Stripe double (tests/stripe_double/) as a child process of a test: started on a
// free port with its webhook pointed at our server, stopped with SIGTERM at the end.
#pragma once
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "child_process.h"
#include "server_fixture.h"
#include "server/stripe/form.h"

namespace quittance::server::testing {

inline const std::string kStripeKey = "sk_test_double";

// A port that was free a moment ago, for a server that must know it before it starts (the
// double sends webhooks to it). Taken below the kernel's ephemeral range (32768 and up on
// Linux), where bind(0) would pick it: there, any outgoing connection (a test's HTTP client,
// PostgreSQL's) may take it between this check and the server's bind.
inline int reserve_port() {
  static std::atomic<int> next{20000 + static_cast<int>(::getpid() % 1000) * 12};
  for (int tries = 0; tries < 2000; ++tries) {
    const int port = 20000 + (next++ - 20000) % 12000;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    if (free) return port;
  }
  FAIL("no free port between 20000 and 32000");
  return -1;
}

struct StripeDouble {
  pid_t pid = -1;
  int port = -1;

  // `webhook_port`: where our server will listen; its webhook receives the double's events, and
  // with `connect_secret` its Connect endpoint those of the connected accounts.
  StripeDouble(int webhook_port, const std::string& webhook_secret, const std::string& connect_secret = "") {
    const std::string script = std::string(QUITTANCE_SOURCE_DIR) + "/tests/stripe_double/stripe_double.py";
    const std::string server = "http://127.0.0.1:" + std::to_string(webhook_port);
    std::vector<std::string> command = {"/usr/bin/python3", script,         "--port",           "0",
                                        "--api-key",        kStripeKey,     "--webhook-url",    server + "/api/stripe/webhook",
                                        "--webhook-secret", webhook_secret};
    if (!connect_secret.empty()) {
      command.insert(command.end(), {"--connect-webhook-url", server + "/api/stripe/connect-webhook",
                                     "--connect-webhook-secret", connect_secret});
    }
    const quittance::testing::Child child = quittance::testing::spawn_reading_first_line(command);
    pid = child.pid;
    // The one line it prints once listening: {"port": N}.
    REQUIRE(!child.first_line.empty());
    port = nlohmann::json::parse(child.first_line).at("port").get<int>();
  }
  ~StripeDouble() { quittance::testing::stop_child(pid); }
  StripeDouble(const StripeDouble&) = delete;
  StripeDouble& operator=(const StripeDouble&) = delete;

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port); }

  // A call to the double's Stripe API with the secret key, as the patient's browser (through
  // Stripe.js) or Stripe's dashboard would make it.
  // `account`: in that connected account (Stripe-Account), as the clinic's own dashboard acts.
  nlohmann::json stripe_post(const std::string& path, const FormParams& params, const std::string& account = "") const {
    httplib::Client c("127.0.0.1", port);
    httplib::Headers headers = {{"Authorization", "Bearer " + kStripeKey}};
    if (!account.empty()) headers.emplace("Stripe-Account", account);
    auto res = c.Post(path, headers, form_encode(params), "application/x-www-form-urlencoded");
    REQUIRE(res);
    return nlohmann::json::parse(res->body);
  }
  // A /_double/ control route.
  nlohmann::json control(const std::string& path, const nlohmann::json& body = nullptr) const {
    httplib::Client c("127.0.0.1", port);
    auto res = body.is_null() ? c.Get(path) : c.Post(path, body.dump(), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return nlohmann::json::parse(res->body);
  }
  nlohmann::json stats() const { return control("/_double/stats"); }
};

// The in-process server (server_fixture.h) with Stripe configured against a double of its own,
// whose webhooks come back to that server.
struct ServerWithStripe {
  int server_port = reserve_port();
  StripeDouble stripe{server_port, kWebhookSecret};
  ApiServer s{config(), server_port};

  ServerConfig config() const {
    ServerConfig c = test_config();
    c.stripe_secret_key = kStripeKey;
    c.stripe_api_base = stripe.base();
    return c;
  }
};

// The in-process server in platform mode (Stripe Connect): each clinic's payments on its own
// connected account at the double, whose Connect webhooks come back to the server.
inline const std::string kConnectWebhookSecret = "whsec_connect_0123456789";

struct PlatformWithStripe {
  int server_port = reserve_port();
  StripeDouble stripe{server_port, kWebhookSecret, kConnectWebhookSecret};
  ApiServer s{config(), server_port};

  ServerConfig config() const {
    ServerConfig c = test_config();
    c.stripe_mode = StripeMode::platform;
    c.stripe_secret_key = kStripeKey;
    c.stripe_api_base = stripe.base();
    c.stripe_connect_webhook_secret = kConnectWebhookSecret;
    c.stripe_publishable_key = "pk_test_double";
    c.stripe_js_url = stripe.base() + "/v3/";
    c.public_url = "http://127.0.0.1:" + std::to_string(server_port);
    c.stripe_dashboard_url = stripe.base() + "/_double/connect/dashboard";
    return c;
  }
};

}  // namespace quittance::server::testing
