// The card features that need the server. See card_payments.h.
#include "sync/card_payments.h"

namespace quittance::sync {

namespace {

constexpr int kEventPage = 200;

}  // namespace

CardPayments::CardPayments(ServerLink& server, LogSync& log, app::CommandLayer& commands)
    : server_(server), log_(log), commands_(commands) {}

void CardPayments::setup_card(const std::string& command_id, const std::string& patient_id,
                              const std::string& patient_name, const std::string& email, Done done) {
  const Json body = {{"command_id", command_id},
                     {"role", signed_in_role(commands_)},
                     {"patient_id", patient_id},
                     {"patient_name", patient_name},
                     {"email", email}};
  after_outbox(
      [this, body, done] {
        server_.call("POST", "/api/cards/setup", &body, [this, done](const CallResult& r) {
          if (r.ok()) server_.expect_soon();  // the card comes when the patient has given it to Stripe
          done(r);
          if (r.ok()) learn();  // it may be there already (a quick patient, the demo)
        });
      },
      done);
}

bool CardPayments::refunds_available() const {
  if (available()) return true;
  const std::string& state = server_.online_payments_state();
  return !log_.blocked() && (state == "restricted" || state == "in_review" || state == "incomplete");
}

void CardPayments::after_outbox(std::function<void()> request, Done done) {
  if (server_.simulated() || !log_.enabled() || log_.pending() == 0) {
    request();
    return;
  }
  log_.after_next_exchange([request = std::move(request), done = std::move(done)](bool ok) {
    if (ok) {
      request();
      return;
    }
    CallResult unsent;  // nothing reached the server: the same request can be asked again
    unsent.code = "network";
    done(unsent);
  });
}

void CardPayments::simulate_request_payment(const Json& request, const std::string& paid_on, Done done) {
  const Json body = {{"request_id", request.value("request_id", "")},
                     {"kind", request.value("kind", "")},
                     {"patient_id", request.value("patient_id", "")},
                     {"amount", request.value("total", request.value("amount", std::int64_t{0}))},
                     {"currency", request.value("currency", "EUR")},
                     {"paid_on", paid_on}};
  server_.call("POST", "/api/demo/pay-request", &body, [this, done = std::move(done)](const CallResult& r) {
    done(r);
    if (r.ok()) learn();
  });
}

void CardPayments::charge(const ChargeRequest& q, Done done) {
  Json body = {{"command_id", q.command_id},
               {"role", signed_in_role(commands_)},
               {"patient_id", q.patient_id},
               {"invoice_id", q.invoice_id},
               {"invoice_number", q.invoice_number},
               {"amount", q.amount},
               {"amount_due", q.amount},
               {"currency", q.currency},
               {"paid_on", q.paid_on},
               {"log_after", 0}};
  after_outbox(
      [this, body, done]() mutable {
        body["log_after"] = seen_up_to();  // after the exchange: how far the books have applied the log
        server_.call("POST", "/api/charges", &body, [this, done](const CallResult& r) {
          apply_event_of(r);  // the demo's payment (or decline) is in the books before the dialog hears of it
          if (r.status == 202) server_.expect_soon();  // processing at the bank
          done(r);
          learn();  // a real server wrote the outcome into the log: it comes with the next pull
        });
      },
      done);
}

void CardPayments::refund(const RefundRequest& q, Done done) {
  const Json body = {{"command_id", q.command_id},
                     {"role", signed_in_role(commands_)},
                     {"payment_intent_id", q.payment_intent_id},
                     {"amount", q.amount},
                     {"reason", q.reason},
                     {"refunded_on", q.refunded_on}};
  server_.call("POST", "/api/refunds", &body, [this, done = std::move(done)](const CallResult& r) {
    apply_event_of(r);
    done(r);
    learn();
  });
}

void CardPayments::learn() {
  if (server_.simulated()) {
    pull();
  } else {
    log_.exchange();
  }
}

std::int64_t CardPayments::seen_up_to() {
  // 0 when the books cannot be read: the server then takes every payment of the invoice as not
  // seen here, and refuses another charge. Safe.
  return server_.simulated() || !log_.enabled() ? server_.link().events_after : log_.applied_through();
}

void CardPayments::refreshed() {
  if (server_.simulated()) pull();
}

void CardPayments::forgotten() {
  pulling_ = pull_again_ = false;
  demo_blocked_.clear();
}

// [SECTION] The demo server's events ----------------------------------------------------------

bool CardPayments::apply_event(const Json& event) {
  if (!event.is_object() || !event.contains("seq") || !event["seq"].is_number_integer()) return false;
  const Json answer = commands_.exec(
      {{"cmd", "server_event.apply"},
       {"id", "srv-" + server_.link().clinic_id + "-" + std::to_string(event["seq"].get<std::int64_t>())},
       {"event", event}});
  if (answer.value("ok", false)) return true;
  demo_blocked_ = answer["error"].value("code", "internal_error");
  return false;
}

void CardPayments::apply_event_of(const CallResult& result) {
  if (!server_.simulated() || !result.body.is_object()) return;  // a real server's facts come through the log
  if (result.body.contains("event")) {
    apply_event(result.body["event"]);
  } else if (result.body.contains("error") && result.body["error"].is_object() &&
             result.body["error"].contains("event")) {
    apply_event(result.body["error"]["event"]);
  }
}

void CardPayments::pull() {
  if (pulling_) {
    pull_again_ = true;
    return;
  }
  pulling_ = true;
  server_.call("GET",
               "/api/events?after=" + std::to_string(server_.link().events_after) + "&limit=" + std::to_string(kEventPage),
               nullptr, [this](const CallResult& r) { pulled(r); });
}

void CardPayments::pulled(const CallResult& r) {
  pulling_ = false;
  bool more = false;
  if (r.ok() && r.body.contains("events") && r.body["events"].is_array()) {
    std::int64_t seen = server_.link().events_after;
    demo_blocked_.clear();
    for (const Json& event : r.body["events"]) {
      if (!apply_event(event)) break;  // kept for the next pull: money is never skipped
      seen = event["seq"].get<std::int64_t>();
    }
    if (seen != server_.link().events_after) server_.update_link([seen](DeviceLink& l) { l.events_after = seen; });
    more = r.body.value("more", false) && demo_blocked_.empty();
  }
  if (more || pull_again_) {
    pull_again_ = false;
    pull();
  }
}

}  // namespace quittance::sync
