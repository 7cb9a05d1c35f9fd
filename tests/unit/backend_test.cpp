// The device's side of the backend (src/sync/backend.h) against the real quittance-server and
// the Stripe double: a device pairs, its patient's card is saved, « Débiter la carte » pays an
// invoice in the device's own books, a refund goes back through Stripe, a decline is told, and
// what the server learnt reaches the books through the clinic's log, once, without the device
// ever pushing it. HTTP goes through cpp-httplib here, through the browser's fetch() in the
// page; the logic is the same code.
#include "sync/backend.h"
#include "sync/demo_server.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "billing_clinic.h"
#include "httplib_transport.h"
#include "server_fixture.h"
#include "stripe_double_process.h"

using namespace quittance;
using namespace quittance::server;
using namespace quittance::server::testing;
using quittance::testing::Clinic;
using quittance::testing::HttplibTransport;

namespace {

struct PairedDevice : ServerWithStripe {
  Clinic books{core::Date{2026, 11, 21}};
  HttplibTransport http;
  std::optional<sync::DeviceLink> saved;
  sync::Backend backend{http, books.commands(), [this](const sync::DeviceLink& l) { saved = l; }, &books.db()};
  int commands = 0;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(s.port); }
  std::string next_command() { return "device-cmd-" + std::to_string(++commands); }

  void pair() {
    const Json code =
        body_of(s.post("/api/devices/pairing-code", "{}", "application/json", ApiServer::bearer(s.admin.device_token)));
    std::optional<sync::CallResult> result;
    backend.pairing().pair(url(), code["code"], "Accueil", [&](const sync::CallResult& r) { result = r; });
    REQUIRE(result);
    REQUIRE(result->ok());
  }

  // The patient gives a card to Stripe (the double, with a test card) after the device asked.
  void save_card(const std::string& patient, const std::string& test_card) {
    std::optional<sync::CallResult> setup;
    backend.cards().setup_card(next_command(), patient, "Patient", "", [&](const sync::CallResult& r) { setup = r; });
    REQUIRE(setup);
    REQUIRE(setup->status == 201);
    stripe.stripe_post("/v1/setup_intents/" + setup->body["setup_intent_id"].get<std::string>() + "/confirm",
                       {{"payment_method", test_card}});
    for (int i = 0; i < 100 && cards(patient).empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      backend.server().refresh();
    }
    REQUIRE(cards(patient).size() == 1);
  }
  Json cards(const std::string& patient) {
    return books.query({{"cmd", "card.list"}, {"patient_id", patient}})["items"];
  }

  sync::CallResult charge(const std::string& command_id, const std::string& patient, const std::string& invoice) {
    const Json inv = books.invoice_state(invoice);
    std::optional<sync::CallResult> result;
    backend.cards().charge({command_id, patient, invoice, inv["number"], "EUR", "2026-11-21", inv["due"].get<std::int64_t>()},
                   [&](const sync::CallResult& r) { result = r; });
    REQUIRE(result);
    return *result;
  }
};

}  // namespace

TEST_CASE("device: paired with a code, it sees that card payments are available") {
  PairedDevice d;
  CHECK(d.backend.server().connection() == sync::Connection::Unpaired);
  d.pair();
  CHECK(d.backend.server().connection() == sync::Connection::Online);
  CHECK(d.backend.server().card_payments());
  REQUIRE(d.saved);
  CHECK(d.saved->paired());
  CHECK(d.saved->clinic_id == d.s.admin.clinic_id);
  CHECK(d.saved->device_name == "Accueil");

  // A wrong code is told, and leaves the device unpaired.
  sync::Backend other{d.http, d.books.commands(), [](const sync::DeviceLink&) {}};
  std::optional<sync::CallResult> refused;
  other.pairing().pair(d.url(), "ZZZZ-ZZZZ", "Cabinet 2", [&](const sync::CallResult& r) { refused = r; });
  REQUIRE(refused);
  CHECK(refused->code == "invalid_code");
  CHECK(other.server().connection() == sync::Connection::Unpaired);
}

TEST_CASE("device: « Débiter la carte » pays the invoice in the device's books, with the fee, once") {
  PairedDevice d;
  d.pair();
  const std::string patient = d.books.patient("Hélène Crête");
  const std::string invoice = d.books.invoice(patient, 6500);
  d.save_card(patient, "pm_card_visa");
  CHECK(d.cards(patient)[0]["last4"] == "4242");

  const sync::CallResult r = d.charge("charge-1", patient, invoice);
  CHECK(r.status == 200);
  CHECK(d.books.status(invoice) == "paid");
  const Json payments = d.books.query({{"cmd", "payment.list"}, {"patient_id", patient}})["items"];
  REQUIRE(payments.size() == 1);
  CHECK(payments[0]["payment_type_id"] == "card_online");
  CHECK(payments[0]["fee"] == (6500 * 15 + 500) / 1000 + 25);

  // The webhook's copy and later exchanges record nothing more; the device learnt the card and
  // the payment from the log, and never sent either.
  d.backend.server().refresh();
  d.backend.server().refresh();
  CHECK(d.books.query({{"cmd", "payment.list"}, {"patient_id", patient}})["items"].size() == 1);
  auto facts = d.books.db().prepare(
      "SELECT COUNT(*), COUNT(server_seq) FROM journal WHERE name = 'server_event.apply' AND origin = 'server'");
  REQUIRE(facts.step());
  CHECK(facts.column_int64(0) == 2);  // card.saved, payment.succeeded
  CHECK(facts.column_int64(1) == 2);
  CHECK(d.backend.log().pending() == 0);
  CHECK(d.stripe.stats()["charges"] == 1);

  // An invoice made here and charged at once: it is sent before the charge, so that the fact
  // the server writes stands after it in the log and pays it (not the patient's credit).
  const std::string next = d.books.invoice(patient, 3000);
  REQUIRE(d.backend.log().pending() > 0);
  CHECK(d.charge("charge-2", patient, next).status == 200);
  CHECK(d.books.status(next) == "paid");
  CHECK(d.books.balance(patient)["credit"] == 0);

  // A refund through Stripe lands in the books as a processor refund.
  std::optional<sync::CallResult> refunded;
  d.backend.cards().refund({"refund-1", payments[0]["processor_ref"], "Séance annulée", "2026-11-22", 2000},
                   [&](const sync::CallResult& x) { refunded = x; });
  REQUIRE(refunded);
  CHECK(refunded->ok());
  CHECK(d.books.balance(patient)["refunded"] == 2000);
  CHECK(d.books.due(invoice) == 2000);
}

TEST_CASE("device: a declined card is told with the bank's reason, and the invoice stays due") {
  PairedDevice d;
  d.pair();
  const std::string patient = d.books.patient("Noël Œuvrard");
  const std::string invoice = d.books.invoice(patient, 4000);
  d.save_card(patient, "pm_card_chargeDeclinedInsufficientFunds");
  const sync::CallResult r = d.charge("charge-1", patient, invoice);
  CHECK(r.status == 402);
  CHECK(r.code == "card_declined");
  CHECK(r.body["error"]["decline_code"] == "insufficient_funds");
  CHECK(d.books.status(invoice) == "due");
  const Json attempts = d.books.query({{"cmd", "card.list"}, {"patient_id", patient}})["attempts"];
  REQUIRE(attempts.size() == 1);
  CHECK(attempts[0]["decline_code"] == "insufficient_funds");
}

TEST_CASE("device: without the server it says offline and retries later; a revoked token says so") {
  PairedDevice d;
  d.pair();
  sync::DeviceLink gone = *d.saved;
  gone.server_url = "http://127.0.0.1:" + std::to_string(reserve_port());  // nobody listens there
  sync::Backend offline{d.http, d.books.commands(), [](const sync::DeviceLink&) {}};
  offline.start(gone);
  CHECK(offline.server().connection() == sync::Connection::Offline);
  const int before = d.http.requests;
  offline.tick(1000);  // backoff: not yet
  CHECK(d.http.requests == before);
  offline.tick(2500);
  CHECK(d.http.requests == before + 1);

  sync::DeviceLink revoked = *d.saved;
  revoked.token = std::string(64, 'a');
  sync::Backend stranger{d.http, d.books.commands(), [](const sync::DeviceLink&) {}};
  stranger.start(revoked);
  CHECK(stranger.server().connection() == sync::Connection::Revoked);
}

TEST_CASE("demo: the in-page server simulates card payments in the books, idempotently, with no network") {
  Clinic books{core::Date{2026, 11, 21}};
  sync::DemoServer demo;
  demo.restart_at(1000);
  sync::Backend backend{demo, books.commands(), [](const sync::DeviceLink&) {}};
  backend.server().set_simulated(true);
  sync::DeviceLink link;
  link.token = "demo";
  link.events_after = 999;
  backend.start(link);
  CHECK(backend.server().connection() == sync::Connection::Online);
  CHECK(backend.server().card_payments());

  const std::string patient = books.patient("Anaïs Bréhat");
  const std::string invoice = books.invoice(patient, 5000);
  std::optional<sync::CallResult> setup;
  backend.cards().setup_card("demo-1", patient, "Anaïs Bréhat", "", [&](const sync::CallResult& r) { setup = r; });
  REQUIRE(setup);
  CHECK(setup->status == 201);
  backend.server().refresh();
  CHECK(books.query({{"cmd", "card.list"}, {"patient_id", patient}})["items"][0]["last4"] == "4242");

  const Json inv = books.invoice_state(invoice);
  std::optional<sync::CallResult> charged;
  const sync::ChargeRequest request{"demo-charge", patient, invoice, inv["number"], "EUR", "2026-11-21", 5000};
  backend.cards().charge(request, [&](const sync::CallResult& r) { charged = r; });
  REQUIRE(charged);
  CHECK(charged->status == 200);
  CHECK(books.status(invoice) == "paid");
  backend.cards().charge(request, [&](const sync::CallResult& r) { charged = r; });  // the same command again
  CHECK(books.query({{"cmd", "payment.list"}, {"patient_id", patient}})["items"].size() == 1);

  const std::string intent = books.query({{"cmd", "payment.list"}, {"patient_id", patient}})["items"][0]["processor_ref"];
  std::optional<sync::CallResult> refunded;
  backend.cards().refund({"demo-refund", intent, "Essai", "2026-11-21", 6000}, [&](const sync::CallResult& r) { refunded = r; });
  REQUIRE(refunded);
  CHECK(refunded->code == "refund_exceeds_payment");
  backend.cards().refund({"demo-refund-2", intent, "Essai", "2026-11-21", 1000}, [&](const sync::CallResult& r) { refunded = r; });
  CHECK(refunded->ok());
  CHECK(books.balance(patient)["refunded"] == 1000);
  CHECK(backend.cards().demo_blocked().empty());
}
