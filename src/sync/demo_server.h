// The clinic's server played inside the page, for the demo with no backend (a static host):
// card features work and are labelled « démonstration », nothing leaves the browser. It
// answers the routes the Backend calls, in the server's JSON (docs/api.md), with the same
// rules that matter to the interface: a card saved at once (as if the patient had given it),
// a charge that succeeds with Stripe's usual fee, idempotent by command id, refunds up to
// what was paid, events in order. Nothing is kept across page loads but what the books hold.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sync/http.h"

namespace quittance::sync {

class DemoServer : public HttpTransport {
 public:
  // Event numbers start here. The device records event n under the command id "srv-n", so a
  // new page load must not reuse the numbers of an earlier one: start from the time.
  void restart_at(std::int64_t first_seq) {
    next_seq_ = first_seq;
    next_id_ = first_seq;  // pi_demo_..., re_demo_...: the books know them by these ids too
  }
  // Answers at once, before send() returns.
  void send(const HttpRequest& request, std::function<void(const HttpResponse&)> done) override;

 private:
  using Json = nlohmann::json;
  HttpResponse answer(int status, const Json& body) const;
  HttpResponse error(int status, const std::string& code) const;
  Json emit(const std::string& kind, const Json& data);
  HttpResponse route(const std::string& method, const std::string& path, const Json& body);

  std::int64_t next_seq_ = 1;
  std::int64_t next_id_ = 1;
  std::vector<Json> events_;
  std::map<std::string, HttpResponse> answered_;    // command id -> answer (replays)
  std::map<std::string, std::int64_t> refundable_;  // payment intent -> what is left
  std::map<std::string, std::string> intent_patient_, intent_invoice_;
};

}  // namespace quittance::sync
