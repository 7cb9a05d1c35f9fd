// The card features that need the clinic's server (docs/api.md): save a patient's card, «
// Débiter la carte », refunds through Stripe, payment links the patient pays. Card requests
// carry a command id the caller keeps: after a network failure the caller retries with the same
// id, and the server (and Stripe, through the Idempotency-Key) gives the first outcome instead
// of charging again. The server writes each outcome into the clinic's log (docs/sync.md, «
// Server facts »): an answer only says it was sent, and the books learn it with the next pull,
// which the answer starts. Only the demo's in-page server, which has no log, has its events
// recorded from its answers (and from GET /api/events).
#pragma once
#include <cstdint>
#include <string>

#include "app/commands.h"
#include "sync/log_sync.h"
#include "sync/server_link.h"

namespace quittance::sync {

struct ChargeRequest {
  std::string command_id;  // kept by the caller for a retry
  std::string patient_id, invoice_id, invoice_number, currency, paid_on;
  std::int64_t amount = 0;  // the invoice's amount due
};

struct RefundRequest {
  std::string command_id;
  std::string payment_intent_id, reason, refunded_on;
  std::int64_t amount = 0;
};

class CardPayments {
 public:
  CardPayments(ServerLink& server, LogSync& log, app::CommandLayer& commands);

  // The server has Stripe configured, and the books sync (the outcome comes through the log).
  bool available() const { return server_.card_payments() && !log_.blocked(); }
  // A refund is of a payment the clinic's account holds: possible while that account takes no
  // new charges (restricted, in review), not once it is disconnected or on no server.
  bool refunds_available() const;
  bool simulated() const { return server_.simulated(); }
  const ServerLink& server() const { return server_; }

  void setup_card(const std::string& command_id, const std::string& patient_id, const std::string& patient_name,
                  const std::string& email, Done done);
  void charge(const ChargeRequest& request, Done done);
  void refund(const RefundRequest& request, Done done);
  // A payment link was given to a patient: its payment comes through the log later, so the
  // device asks often for a while.
  void expect_payment() { server_.expect_soon(); }
  // The demo only (simulated()): plays the patient paying the request (payment_request.list's
  // row) on the in-page server.
  void simulate_request_payment(const Json& request, const std::string& paid_on, Done done);

  // The demo server's event its pull is stuck on ("" when none).
  const std::string& demo_blocked() const { return demo_blocked_; }
  // The server answered « who am I »: the demo's events are pulled then.
  void refreshed();
  void forgotten();

 private:
  void learn();               // after a card request: what it did comes through the log (or the demo's events)
  // Sends what was made here first (the patient, the invoice), then `request`: the fact the
  // server writes about them stands after them in the log. Without an exchange: a network error.
  void after_outbox(std::function<void()> request, Done done);
  std::int64_t seen_up_to();  // how far this device has read (the log, or the demo's events)
  bool apply_event(const Json& event);  // the demo's; false when the books refused it
  void apply_event_of(const CallResult& result);
  void pull();
  void pulled(const CallResult& result);

  ServerLink& server_;
  LogSync& log_;
  app::CommandLayer& commands_;
  bool pulling_ = false, pull_again_ = false;
  std::string demo_blocked_;
};

}  // namespace quittance::sync
