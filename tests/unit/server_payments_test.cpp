// Card payments end to end on the server side: quittance-server over real sockets, talking to
// the local Stripe double (tests/stripe_double/) through its production code path, the double
// sending its signed webhooks back. What the clinic's devices would see is read from
// GET /api/events, as the app reads it.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "server/stripe/client.h"
#include "server_fixture.h"
#include "stripe_double_process.h"

using namespace quittance;
using namespace quittance::server;
using namespace quittance::server::testing;

namespace {

struct Payments : ServerWithStripe {
  httplib::Headers auth = ApiServer::bearer(s.admin.device_token);
  int commands = 0;

  httplib::Result post(const std::string& path, const Json& body) {
    return s.post(path, body.dump(), "application/json", auth);
  }

  std::string next_command() { return "cmd-" + std::to_string(++commands); }

  Json events(std::int64_t after = 0) {
    return body_of(s.get("/api/events?after=" + std::to_string(after), auth))["events"];
  }
  // The first event of `kind` (optionally about `id` in its data), waiting up to 5 s for a
  // webhook to bring it.
  std::optional<Json> wait_event(const std::string& kind, const std::string& key = "", const std::string& value = "") {
    for (int i = 0; i < 100; ++i) {
      for (const Json& e : events())
        if (e["kind"] == kind && (key.empty() || e["data"].value(key, "") == value)) return e;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }
  int count_events(const std::string& kind) {
    int n = 0;
    for (const Json& e : events()) n += e["kind"] == kind;
    return n;
  }

  // A card saved the way a patient saves one: the app asks for a SetupIntent, the patient
  // confirms it with Stripe (the double, with one of Stripe's test cards), Stripe's webhook
  // tells the server, which tells the devices.
  Json save_card(const std::string& patient_id, const std::string& test_card) {
    auto setup = post("/api/cards/setup", {{"command_id", next_command()},
                                           {"role", "billing"},
                                           {"patient_id", patient_id},
                                           {"patient_name", "Éloïse Dupré"},
                                           {"email", "eloise@example.fr"}});
    REQUIRE(setup);
    REQUIRE(setup->status == 201);
    const Json answer = body_of(setup);
    CHECK(answer["client_secret"].get<std::string>().rfind(answer["setup_intent_id"].get<std::string>() + "_secret_",
                                                           0) == 0);
    stripe.stripe_post("/v1/setup_intents/" + answer["setup_intent_id"].get<std::string>() + "/confirm",
                       {{"payment_method", test_card}});
    std::optional<Json> saved = wait_event("card.saved", "patient_id", patient_id);
    REQUIRE(saved);
    return *saved;
  }

  Json charge(const std::string& command_id, const std::string& patient_id, const std::string& invoice_id,
              std::int64_t amount, std::int64_t events_after = 0) {
    return {{"command_id", command_id},
            {"role", "billing"},
            {"patient_id", patient_id},
            {"invoice_id", invoice_id},
            {"invoice_number", "F-2026-A-000042"},
            {"amount", amount},
            {"amount_due", amount},
            {"currency", "EUR"},
            {"paid_on", "2026-11-21"},
            {"events_after", events_after}};
  }
};

std::int64_t stripe_fee_for(std::int64_t amount) { return (amount * 15 + 500) / 1000 + 25; }

int charges_made(const Payments& p) { return p.stripe.stats()["charges"].get<int>(); }

}  // namespace

TEST_CASE("cards: a saved card reaches the devices with its brand and last four, never its number") {
  Payments p;
  const Json saved = p.save_card("patient-1", "pm_card_visa");
  CHECK(saved["data"] == Json{{"patient_id", "patient-1"},
                              {"brand", "visa"},
                              {"last4", "4242"},
                              {"exp_month", saved["data"]["exp_month"]},
                              {"exp_year", saved["data"]["exp_year"]}});
  CHECK(saved["data"]["exp_year"].get<int>() >= 2026);
  const Json cards = body_of(p.s.get("/api/cards?patient_id=patient-1", p.auth))["cards"];
  REQUIRE(cards.size() == 1);
  CHECK(cards[0]["last4"] == "4242");
  CHECK(body_of(p.s.get("/api/cards?patient_id=patient-2", p.auth))["cards"].empty());
  // The setup, the customer and the card are Stripe's; we keep ids and the card's look.
  CHECK(p.s.count("SELECT count(*) FROM stripe_customers") == 1);
  CHECK(p.s.count("SELECT count(*) FROM saved_cards WHERE brand = 'visa' AND last4 = '4242'") == 1);
  // The card's webhook delivered again changes nothing.
  const Json stripe_events = p.stripe.control("/_double/events")["data"];  // a copy, kept
  for (const Json& e : stripe_events)
    if (e["type"] == "setup_intent.succeeded") p.stripe.control("/_double/redeliver", {{"event_id", e["id"]}});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(p.count_events("card.saved") == 1);
}

TEST_CASE("charges: the saved card pays the amount due, with Stripe's fee; a retry replays, never charges again") {
  Payments p;
  p.save_card("patient-1", "pm_card_visa");
  const Json request = p.charge("charge-1", "patient-1", "invoice-1", 6500);
  auto first = p.post("/api/charges", request);
  REQUIRE(first);
  CHECK(first->status == 200);
  const Json answer = body_of(first);
  CHECK(answer["status"] == "succeeded");
  const Json event = answer["event"];
  CHECK(event["kind"] == "payment.succeeded");
  CHECK(event["data"]["amount"] == 6500);
  CHECK(event["data"]["fee"] == stripe_fee_for(6500));
  CHECK(event["data"]["invoice_id"] == "invoice-1");
  CHECK(event["data"]["paid_on"] == "2026-11-21");
  CHECK(charges_made(p) == 1);

  // What Stripe saw: the pinned version and our idempotency key.
  bool seen = false;
  const Json requests = p.stripe.stats()["requests"];  // a copy: the range must outlive the loop
  for (const Json& r : requests)
    if (r["path"] == "/v1/payment_intents") {
      CHECK(r["stripe_version"] == kStripeApiVersion);
      CHECK(r["idempotency_key"] == "quittance-charge-charge-1");
      seen = true;
    }
  CHECK(seen);

  // The app did not get the answer and asks again: the same answer, no second charge.
  auto again = p.post("/api/charges", request);
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(body_of(again)["replayed"] == true);
  CHECK(body_of(again)["event"] == event);
  CHECK(charges_made(p) == 1);
  // The same command id for another amount is a caller's bug, refused.
  Json other = request;
  other["amount"] = other["amount_due"] = 7000;
  CHECK(error_of(p.post("/api/charges", other)) == std::pair<int, std::string>{409, "command_id_reused"});

  // Stripe's webhook for the same payment arrives: still one payment event.
  REQUIRE(p.wait_event("payment.succeeded"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(p.count_events("payment.succeeded") == 1);
  CHECK(p.stripe.stats()["charges"] == 1);
}

TEST_CASE("charges: a network cut after Stripe charged, then retries, charge exactly once") {
  Payments p;
  p.save_card("patient-1", "pm_card_visa");
  // One lost answer: the server's own retry, with the same Idempotency-Key, gets Stripe's.
  p.stripe.control("/_double/fail-next",
                   {{"path_prefix", "/v1/payment_intents"}, {"method", "POST"}, {"mode", "drop_response"}});
  auto one = p.post("/api/charges", p.charge("cut-1", "patient-1", "invoice-1", 4000));
  REQUIRE(one);
  CHECK(one->status == 200);
  CHECK(charges_made(p) == 1);

  // Every answer lost: the app is told Stripe could not be reached, and retries later. (The
  // webhooks wait, so that the retry is answered by Stripe's idempotency, not by our record.)
  p.stripe.control("/_double/webhooks/pause", Json::object());
  p.stripe.control(
      "/_double/fail-next",
      {{"path_prefix", "/v1/payment_intents"}, {"method", "POST"}, {"mode", "drop_response"}, {"count", 3}});
  const Json request = p.charge("cut-2", "patient-1", "invoice-2", 5500);
  auto cut = p.post("/api/charges", request);
  const std::string cut_body = cut ? cut->body : std::string("no answer");
  INFO(cut_body);
  CHECK(error_of(cut) == std::pair<int, std::string>{502, "stripe_unreachable"});
  CHECK(charges_made(p) == 2);  // Stripe did charge, once
  auto retry = p.post("/api/charges", request);
  REQUIRE(retry);
  CHECK(retry->status == 200);
  CHECK(body_of(retry)["event"]["data"]["amount"] == 5500);
  CHECK(charges_made(p) == 2);
  int posts = 0;
  const Json requests = p.stripe.stats()["requests"];
  for (const Json& r : requests)
    if (r["path"] == "/v1/payment_intents" && r["idempotency_key"] == "quittance-charge-cut-2") ++posts;
  CHECK(posts == 4);  // 3 lost answers, then the app's retry replayed by Stripe
  p.stripe.control("/_double/webhooks/resume", Json::object());

  // Once Stripe's webhook has told the outcome, a retry is answered from our record, without
  // Stripe: it would still be safe after Stripe forgets the idempotency key (24 h).
  p.stripe.control("/_double/fail-next",
                   {{"path_prefix", "/v1/payment_intents"}, {"method", "POST"}, {"mode", "drop_response"}, {"count", 3}});
  const Json late = p.charge("cut-3", "patient-1", "invoice-3", 4200);
  CHECK(error_of(p.post("/api/charges", late)) == std::pair<int, std::string>{502, "stripe_unreachable"});
  REQUIRE(p.wait_event("payment.succeeded", "invoice_id", "invoice-3"));
  auto from_record = p.post("/api/charges", late);
  REQUIRE(from_record);
  CHECK(from_record->status == 200);
  CHECK(body_of(from_record)["event"]["data"]["amount"] == 4200);
  int late_posts = 0;
  const Json all_requests = p.stripe.stats()["requests"];
  for (const Json& r : all_requests)
    if (r["path"] == "/v1/payment_intents" && r["idempotency_key"] == "quittance-charge-cut-3") ++late_posts;
  CHECK(late_posts == 3);
  CHECK(charges_made(p) == 3);
}

TEST_CASE("charges: declines come back with the bank's reason, and as an event for the other devices") {
  Payments p;
  p.save_card("poor", "pm_card_chargeDeclinedInsufficientFunds");
  auto declined = p.post("/api/charges", p.charge("decline-1", "poor", "invoice-1", 3000));
  CHECK(error_of(declined) == std::pair<int, std::string>{402, "card_declined"});
  CHECK(body_of(declined)["error"]["decline_code"] == "insufficient_funds");
  CHECK(body_of(declined)["error"]["event"]["kind"] == "payment.failed");
  CHECK(body_of(declined)["error"]["event"]["data"]["decline_code"] == "insufficient_funds");
  CHECK(charges_made(p) == 0);

  p.save_card("absent", "pm_card_authenticationRequired");
  auto sca = p.post("/api/charges", p.charge("sca-1", "absent", "invoice-2", 3000));
  CHECK(error_of(sca) == std::pair<int, std::string>{402, "authentication_required"});
  REQUIRE(p.wait_event("payment.failed", "invoice_id", "invoice-2"));
  CHECK(p.count_events("payment.failed") == 2);
}

TEST_CASE("charges: refused before Stripe is called when something is wrong") {
  Payments p;
  p.save_card("patient-1", "pm_card_visa");
  Json mismatch = p.charge("bad-1", "patient-1", "invoice-1", 3000);
  mismatch["amount_due"] = 2500;
  CHECK(error_of(p.post("/api/charges", mismatch)) == std::pair<int, std::string>{400, "amount_mismatch"});
  Json practitioner = p.charge("bad-2", "patient-1", "invoice-1", 3000);
  practitioner["role"] = "practitioner";
  CHECK(error_of(p.post("/api/charges", practitioner)) == std::pair<int, std::string>{403, "forbidden"});
  Json fractional = p.charge("bad-3", "patient-1", "invoice-1", 3000);
  fractional["amount"] = 30.5;
  CHECK(error_of(p.post("/api/charges", fractional)) == std::pair<int, std::string>{400, "invalid_argument"});
  Json bad_id = p.charge("bad id!", "patient-1", "invoice-1", 3000);
  CHECK(error_of(p.post("/api/charges", bad_id)) == std::pair<int, std::string>{400, "invalid_argument"});
  CHECK(error_of(p.post("/api/charges", p.charge("bad-4", "nobody", "invoice-1", 3000))) ==
        std::pair<int, std::string>{409, "no_saved_card"});
  CHECK(charges_made(p) == 0);

  // Paid once; a device that has not pulled that payment yet may not charge the invoice again.
  auto paid = p.post("/api/charges", p.charge("pay-1", "patient-1", "invoice-9", 3000));
  REQUIRE(paid);
  REQUIRE(paid->status == 200);
  const std::int64_t seq = body_of(paid)["event"]["seq"];
  CHECK(error_of(p.post("/api/charges", p.charge("pay-2", "patient-1", "invoice-9", 3000, seq - 1))) ==
        std::pair<int, std::string>{409, "invoice_being_paid"});
  CHECK(charges_made(p) == 1);
}

TEST_CASE("refunds: in parts, never more than was paid, once each, and from Stripe's dashboard too") {
  Payments p;
  p.save_card("patient-1", "pm_card_visa");
  auto paid = p.post("/api/charges", p.charge("pay-1", "patient-1", "invoice-1", 8000));
  REQUIRE(paid);
  const std::string pi = body_of(paid)["payment_intent_id"];
  auto refund = [&](const std::string& id, std::int64_t amount) {
    return p.post("/api/refunds", {{"command_id", id},
                                   {"role", "billing"},
                                   {"payment_intent_id", pi},
                                   {"amount", amount},
                                   {"reason", "Séance annulée"},
                                   {"refunded_on", "2026-11-22"}});
  };
  auto part = refund("refund-1", 3000);
  REQUIRE(part);
  CHECK(part->status == 200);
  CHECK(body_of(part)["event"]["kind"] == "refund.succeeded");
  CHECK(body_of(part)["event"]["data"]["amount"] == 3000);
  CHECK(body_of(part)["event"]["data"]["reason"] == "Séance annulée");
  CHECK(body_of(refund("refund-1", 3000))["replayed"] == true);
  Json too_much = body_of(refund("refund-2", 5001));
  CHECK(too_much["error"]["code"] == "refund_exceeds_payment");
  CHECK(too_much["error"]["refundable"] == 5000);
  Json reader = {{"command_id", "refund-3"},
                 {"role", "practitioner"},
                 {"payment_intent_id", pi},
                 {"amount", 10},
                 {"reason", "x"},
                 {"refunded_on", "2026-11-22"}};
  CHECK(error_of(p.post("/api/refunds", reader)) == std::pair<int, std::string>{403, "forbidden"});
  reader["role"] = "billing";
  reader["payment_intent_id"] = "pi_unknown";
  CHECK(error_of(p.post("/api/refunds", reader)) == std::pair<int, std::string>{404, "unknown_payment"});

  // The rest refunded in Stripe's dashboard: the webhook brings it, once.
  p.stripe.stripe_post("/v1/refunds", {{"payment_intent", pi}});
  std::optional<Json> outside = p.wait_event("refund.succeeded", "reason", "Remboursement fait dans Stripe");
  REQUIRE(outside);
  CHECK(outside->at("data")["amount"] == 5000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(p.count_events("refund.succeeded") == 2);  // ours (its webhook changed nothing) + the dashboard's
  CHECK(p.s.count("SELECT refunded FROM charges WHERE payment_intent_id = '" + pi + "'") == 8000);
  CHECK(body_of(refund("refund-4", 1))["error"]["code"] == "refund_exceeds_payment");
}

TEST_CASE("webhook: a payment made outside the app (with our metadata) becomes an event with its fee") {
  Payments p;
  p.save_card("patient-1", "pm_card_visa");
  const std::string customer = p.s.db->with([](Sql& d) {
    SqlStatement st = d.prepare("SELECT customer_id FROM stripe_customers");
    REQUIRE(st.step());
    return st.column_text(0);
  });
  const Json pm = p.stripe.stripe_post("/v1/payment_intents", {{"amount", "12000"},
                                                               {"currency", "eur"},
                                                               {"customer", customer},
                                                               {"payment_method", "pm_card_mastercard"},
                                                               {"confirm", "true"},
                                                               {"metadata[clinic_id]", p.s.admin.clinic_id},
                                                               {"metadata[invoice_id]", "invoice-7"},
                                                               {"metadata[patient_id]", "patient-1"}});
  REQUIRE(pm["status"] == "succeeded");
  std::optional<Json> event = p.wait_event("payment.succeeded", "invoice_id", "invoice-7");
  REQUIRE(event);
  CHECK(event->at("data")["amount"] == 12000);
  CHECK(event->at("data")["fee"] == stripe_fee_for(12000));
  CHECK(event->at("data")["currency"] == "EUR");
}

TEST_CASE("events: pulled in order after a seq, by pages; malformed cursors refused") {
  Payments p;
  p.save_card("a", "pm_card_visa");
  p.save_card("b", "pm_card_mastercard");
  const Json all = p.events();
  REQUIRE(all.size() == 2);
  CHECK(all[0]["seq"].get<std::int64_t>() < all[1]["seq"].get<std::int64_t>());
  const Json page = body_of(p.s.get("/api/events?after=0&limit=1", p.auth));
  CHECK(page["events"].size() == 1);
  CHECK(page["more"] == true);
  CHECK(page["last_seq"] == all[0]["seq"]);
  const Json rest =
      body_of(p.s.get("/api/events?after=" + std::to_string(page["last_seq"].get<std::int64_t>()), p.auth));
  CHECK(rest["events"] == Json::array({all[1]}));
  CHECK(rest["more"] == false);
  CHECK(error_of(p.s.get("/api/events?after=-1", p.auth)) == std::pair<int, std::string>{400, "invalid_argument"});
  CHECK(error_of(p.s.get("/api/events?limit=501", p.auth)) == std::pair<int, std::string>{400, "invalid_argument"});
  CHECK(error_of(p.s.get("/api/events")) == std::pair<int, std::string>{401, "unauthorized"});
}

TEST_CASE("without STRIPE_SECRET_KEY card routes answer 503 and whoami says so") {
  ApiServer s;
  const auto auth = ApiServer::bearer(s.admin.device_token);
  CHECK(body_of(s.get("/api/whoami", auth))["card_payments"] == false);
  const Json request = {{"command_id", "c1"}, {"role", "owner"}, {"patient_id", "p"}, {"patient_name", "P"}};
  CHECK(error_of(s.post("/api/cards/setup", request.dump(), "application/json", auth)) ==
        std::pair<int, std::string>{503, "stripe_not_configured"});
}

TEST_CASE("charges: a payment still processing at the bank blocks another one, then succeeds by webhook") {
  Payments p;
  p.save_card("patient-1", "pm_card_processing");
  auto first = p.post("/api/charges", p.charge("slow-1", "patient-1", "invoice-1", 9000));
  REQUIRE(first);
  CHECK(first->status == 202);
  CHECK(body_of(first)["event"]["kind"] == "payment.processing");
  // However recent the device's cursor, the invoice is being paid.
  CHECK(error_of(p.post("/api/charges", p.charge("slow-2", "patient-1", "invoice-1", 9000, 1'000'000))) ==
        std::pair<int, std::string>{409, "invoice_being_paid"});
  p.stripe.control("/_double/settle", {{"payment_intent", body_of(first)["payment_intent_id"]}});
  std::optional<Json> paid = p.wait_event("payment.succeeded", "invoice_id", "invoice-1");
  REQUIRE(paid);
  CHECK(paid->at("data")["fee"] == stripe_fee_for(9000));
  CHECK(charges_made(p) == 1);
}

TEST_CASE("cards: a card removed in Stripe is no longer offered nor charged") {
  Payments p;
  p.save_card("patient-1", "pm_card_visa");
  const std::string pm = p.s.db->with([](Sql& d) {
    SqlStatement st = d.prepare("SELECT payment_method_id FROM saved_cards");
    REQUIRE(st.step());
    return st.column_text(0);
  });
  p.stripe.stripe_post("/v1/payment_methods/" + pm + "/detach", {});
  std::optional<Json> removed = p.wait_event("card.removed", "patient_id", "patient-1");
  REQUIRE(removed);
  CHECK(removed->at("data")["last4"] == "4242");
  CHECK(body_of(p.s.get("/api/cards?patient_id=patient-1", p.auth))["cards"].empty());
  CHECK(error_of(p.post("/api/charges", p.charge("after-1", "patient-1", "invoice-1", 3000))) ==
        std::pair<int, std::string>{409, "no_saved_card"});
}

TEST_CASE("refunds: when Stripe's webhook comes before the answer, the app's reason and date are kept") {
  Payments p;
  p.save_card("patient-1", "pm_card_visa");
  auto paid = p.post("/api/charges", p.charge("pay-1", "patient-1", "invoice-1", 5000));
  REQUIRE(paid);
  const std::string pi = body_of(paid)["payment_intent_id"];
  // Every answer to the refund lost: Stripe refunded, and its webhook tells us first.
  p.stripe.control("/_double/fail-next", {{"path_prefix", "/v1/refunds"}, {"mode", "drop_response"}, {"count", 3}});
  const Json request = {{"command_id", "refund-1"}, {"role", "owner"},     {"payment_intent_id", pi}, {"amount", 2000},
                        {"reason", "Geste commercial"}, {"refunded_on", "2026-11-23"}};
  CHECK(error_of(p.post("/api/refunds", request)) ==
        std::pair<int, std::string>{502, "stripe_unreachable"});
  std::optional<Json> event = p.wait_event("refund.succeeded");
  REQUIRE(event);
  CHECK(event->at("data")["reason"] == "Geste commercial");
  CHECK(event->at("data")["refunded_on"] == "2026-11-23");
  // The app's retry is answered from the record; Stripe refunded once.
  auto retry = p.post("/api/refunds", request);
  REQUIRE(retry);
  CHECK(retry->status == 200);
  CHECK(body_of(retry)["event"] == *event);
  CHECK(p.stripe.stats()["refunds"] == 1);
}
