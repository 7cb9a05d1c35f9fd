// The server played in the page. See demo_server.h.
#include "sync/demo_server.h"
#include "app/bounded_json.h"

namespace quittance::sync {

namespace {

// Stripe's standard European card pricing, the double's and the fee table's: 1,5 % + 0,25 €.
std::int64_t demo_fee(std::int64_t amount) { return (amount * 15 + 500) / 1000 + 25; }

std::string path_of(const std::string& url) {
  const std::size_t query = url.find('?');
  return url.substr(0, query);
}

std::int64_t query_value(const std::string& url, const std::string& name) {
  const std::size_t at = url.find(name + "=");
  if (at == std::string::npos) return 0;
  try {
    return std::stoll(url.substr(at + name.size() + 1));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

HttpResponse DemoServer::answer(int status, const Json& body) const {
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

HttpResponse DemoServer::error(int status, const std::string& code) const {
  return answer(status, {{"ok", false}, {"error", {{"code", code}, {"message", code}}}});
}

nlohmann::json DemoServer::emit(const std::string& kind, const Json& data) {
  Json event = {{"seq", next_seq_++}, {"kind", kind}, {"at", ""}, {"data", data}};
  events_.push_back(event);
  return event;
}

void DemoServer::send(const HttpRequest& request, std::function<void(const HttpResponse&)> done) {
  Json body = request.body.empty() ? Json::object() : app::parse_bounded_json_or_discarded(request.body);
  if (body.is_discarded() || !body.is_object()) {
    done(error(400, "malformed_json"));
    return;
  }
  const std::string command_id = body.value("command_id", std::string());
  if (!command_id.empty()) {
    auto replay = answered_.find(command_id);
    if (replay != answered_.end()) {
      done(replay->second);
      return;
    }
  }
  if (request.method == "GET" && path_of(request.url) == "/api/events") {
    Json page = Json::array();
    const std::int64_t after = query_value(request.url, "after");
    for (const Json& e : events_)
      if (e["seq"].get<std::int64_t>() > after) page.push_back(e);
    done(answer(200, {{"ok", true}, {"events", page}, {"last_seq", next_seq_ - 1}, {"more", false}}));
    return;
  }
  HttpResponse r = route(request.method, path_of(request.url), body);
  if (!command_id.empty()) answered_[command_id] = r;
  done(r);
}

HttpResponse DemoServer::route(const std::string& method, const std::string& path, const Json& body) {
  const std::string id = std::to_string(next_id_++);
  if (method == "GET" && path == "/api/whoami") {
    return answer(200, {{"ok", true},
                        {"clinic_id", "demo"},
                        {"device_id", "demo"},
                        {"device_name", "Démonstration"},
                        {"card_payments", true}});
  }
  if (method == "GET" && path == "/api/devices") {
    return answer(200, {{"ok", true},
                        {"devices", Json::array({{{"device_id", "demo"},
                                                  {"name", "Démonstration"},
                                                  {"created_at", ""},
                                                  {"revoked", false},
                                                  {"this_device", true}}})}});
  }
  if (method == "POST" && path == "/api/cards/setup") {
    // As if the patient had given a test card to Stripe at once.
    emit("card.saved", {{"patient_id", body.value("patient_id", "")},
                        {"brand", "visa"},
                        {"last4", "4242"},
                        {"exp_month", 12},
                        {"exp_year", 2030}});
    return answer(
        201, {{"ok", true}, {"setup_intent_id", "seti_demo_" + id}, {"client_secret", ""}, {"status", "succeeded"}});
  }
  if (method == "POST" && path == "/api/charges") {
    const std::int64_t amount = body.value("amount", std::int64_t{0});
    if (amount <= 0 || amount != body.value("amount_due", std::int64_t{-1})) return error(400, "amount_mismatch");
    const std::string intent = "pi_demo_" + id;
    refundable_[intent] = amount;
    intent_patient_[intent] = body.value("patient_id", "");
    intent_invoice_[intent] = body.value("invoice_id", "");
    const Json event = emit("payment.succeeded", {{"payment_intent_id", intent},
                                                  {"invoice_id", intent_invoice_[intent]},
                                                  {"patient_id", intent_patient_[intent]},
                                                  {"amount", amount},
                                                  {"fee", demo_fee(amount)},
                                                  {"currency", body.value("currency", "EUR")},
                                                  {"paid_on", body.value("paid_on", "")}});
    return answer(200, {{"ok", true}, {"status", "succeeded"}, {"payment_intent_id", intent}, {"event", event}});
  }
  if (method == "POST" && path == "/api/demo/pay-request") {
    // The patient's part of a payment link, played at once (the demo has no page to pay on):
    // what Stripe's webhook would bring, for the amount the request asks.
    const std::string request_id = body.value("request_id", "");
    const std::int64_t amount = body.value("amount", std::int64_t{0});
    if (request_id.empty() || amount < 0) return error(400, "invalid_argument");
    if (body.value("kind", "") == "card") {
      emit("card.saved", {{"patient_id", body.value("patient_id", "")}, {"brand", "visa"}, {"last4", "4242"},
                          {"exp_month", 12}, {"exp_year", 2030}, {"request_id", request_id}});
      return answer(200, {{"ok", true}});
    }
    if (amount == 0) return error(400, "invalid_argument");
    const std::string intent = "pi_demo_" + id;
    refundable_[intent] = amount;
    intent_patient_[intent] = body.value("patient_id", "");
    emit("payment.succeeded", {{"payment_intent_id", intent}, {"invoice_id", ""},
                               {"patient_id", intent_patient_[intent]}, {"amount", amount},
                               {"fee", demo_fee(amount)}, {"currency", body.value("currency", "EUR")},
                               {"paid_on", body.value("paid_on", "")}, {"request_id", request_id}});
    return answer(200, {{"ok", true}});
  }
  if (method == "POST" && path == "/api/refunds") {
    const std::string intent = body.value("payment_intent_id", "");
    auto left = refundable_.find(intent);
    if (left == refundable_.end()) return error(404, "unknown_payment");
    const std::int64_t amount = body.value("amount", std::int64_t{0});
    if (amount <= 0 || amount > left->second) return error(409, "refund_exceeds_payment");
    left->second -= amount;
    const Json event = emit("refund.succeeded", {{"refund_id", "re_demo_" + id},
                                                 {"payment_intent_id", intent},
                                                 {"invoice_id", intent_invoice_[intent]},
                                                 {"patient_id", intent_patient_[intent]},
                                                 {"amount", amount},
                                                 {"refunded_on", body.value("refunded_on", "")},
                                                 {"reason", body.value("reason", "")}});
    return answer(200, {{"ok", true}, {"refund_id", "re_demo_" + id}, {"status", "succeeded"}, {"event", event}});
  }
  if (method == "POST" && path == "/api/devices/pairing-code") {
    return answer(201, {{"ok", true}, {"code", "DEMO2345"}, {"expires_at", ""}, {"expires_in", 600}});
  }
  return error(404, "not_found");
}

}  // namespace quittance::sync
