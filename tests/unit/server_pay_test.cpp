// The patient payment page's server side (pay/page.h, pay/routes.h), end to end: a device
// writes its books (a payment request is an operation like any other) and pushes them through
// the real sync API; the patient's page is played by plain HTTP calls to /api/pay/ and by
// Stripe.js's own calls to the Stripe double (publishable key + client secret); the double's
// webhooks come back to the server; the device pulls the server's events and records them, as
// the app does, and its books say the invoice is paid.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "app/command_id.h"
#include "app/commands.h"
#include "core/schedule.h"
#include "server/http/rate_limit.h"
#include "server/pay/links.h"
#include "server/pay/routes.h"
#include "server/sync/books_import.h"
#include "server_fixture.h"
#include "store/migrations.h"
#include "stripe_double_process.h"
#include "pay_station.h"

using namespace quittance;
using namespace quittance::server;
using namespace quittance::server::testing;

namespace {

const std::string kPublishableKey = "pk_test_double";

// The token with one character changed.
std::string tampered(std::string token) {
  token[20] = token[20] == 'A' ? 'B' : 'A';
  return token;
}

// The server with the Stripe double (or without Stripe at all), one device of its clinic, and
// the payment page's side of things.
struct Pay {
  bool with_stripe;
  int server_port = reserve_port();
  std::unique_ptr<StripeDouble> stripe;
  std::unique_ptr<ApiServer> server;
  std::unique_ptr<Station> device;

  explicit Pay(bool stripe_on = true, const std::string& public_url = "") : with_stripe(stripe_on) {
    ServerConfig c = test_config();
    c.public_url = public_url;
    if (with_stripe) {
      stripe = std::make_unique<StripeDouble>(server_port, kWebhookSecret);
      c.stripe_secret_key = kStripeKey;
      c.stripe_api_base = stripe->base();
      c.stripe_publishable_key = kPublishableKey;
      c.stripe_js_url = stripe->base() + "/v3/";
    }
    server = std::make_unique<ApiServer>(c, server_port);
    device = std::make_unique<Station>(*server, server->admin);
  }
  ApiServer& s() { return *server; }
  Station& d() { return *device; }

  httplib::Result page(const std::string& token) { return s().get("/api/pay/" + token); }
  httplib::Result intent(const std::string& token, const Json& body = Json::object()) {
    return s().post("/api/pay/" + token + "/intent", body.dump());
  }
  Json intent_ok(const std::string& token, const Json& body = Json::object()) {
    auto res = intent(token, body);
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    return body_of(res);
  }
  httplib::Result pdf(const std::string& token, const std::string& invoice_id) {
    return s().get("/api/pay/" + token + "/invoices/" + invoice_id + "/pdf");
  }

  // Stripe.js's confirmation, as the page makes it: the publishable key and the client secret.
  std::pair<int, Json> confirm(const std::string& client_secret, const std::string& card) {
    const std::string id = client_secret.substr(0, client_secret.find("_secret_"));
    const std::string kind = id.rfind("seti_", 0) == 0 ? "setup_intents" : "payment_intents";
    httplib::Client c("127.0.0.1", stripe->port);
    auto res = c.Post(
        "/v1/" + kind + "/" + id + "/confirm", {{"Authorization", "Bearer " + kPublishableKey}},
        form_encode(
            {{"payment_method", card}, {"client_secret", client_secret}, {"return_url", "http://127.0.0.1/pay/x"}}),
        "application/x-www-form-urlencoded");
    REQUIRE(res);
    return {res->status, Json::parse(res->body)};
  }
  // An intent as Stripe holds it (the secret key's view).
  Json stripe_object(const std::string& client_secret) {
    const std::string id = client_secret.substr(0, client_secret.find("_secret_"));
    const std::string kind = id.rfind("seti_", 0) == 0 ? "setup_intents" : "payment_intents";
    httplib::Client c("127.0.0.1", stripe->port);
    auto res = c.Get("/v1/" + kind + "/" + id, {{"Authorization", "Bearer " + kStripeKey}});
    REQUIRE(res);
    return Json::parse(res->body);
  }

  Json events() { return body_of(s().get("/api/events", d().auth()))["events"]; }
  // The first event of `kind` whose data has `key` = `value`, waiting up to 5 s for a webhook.
  std::optional<Json> wait_event(const std::string& kind, const std::string& key = "", const Json& value = nullptr) {
    for (int i = 0; i < 100; ++i) {
      for (const Json& e : events())
        if (e["kind"] == kind && (key.empty() || e["data"].value(key, Json()) == value)) return e;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }
  int count_events(const std::string& kind) {
    int n = 0;
    for (const Json& e : events()) n += e["kind"] == kind;
    return n;
  }
  // The page's state, waiting up to 5 s for it to become `state`.
  Json wait_state(const std::string& token, const std::string& state) {
    Json view;
    for (int i = 0; i < 100; ++i) {
      view = body_of(page(token));
      if (view.value("state", "") == state) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return view;
  }
};

void check_unknown(const httplib::Result& res) {
  REQUIRE(res);
  CHECK(error_of(res) == std::pair<int, std::string>{404, "unknown_link"});
  const Json body = body_of(res);
  // Nothing about any clinic: the error, and no more.
  CHECK(body.size() == 2);
  CHECK(body["error"].size() == 2);
}

}  // namespace

TEST_CASE("pay: a request pushed by a device is payable for the books' amount, without the patient's private data") {
  Pay p;
  const std::string patient = p.d().patient("Éloïse Dupré", "eloise@example.fr");
  const std::string invoice = p.d().invoice(patient, 6000);
  const std::string token =
      p.d().request({{"patient_id", patient}, {"invoice_ids", {invoice}}, {"note", "Séance du 1er décembre"}});
  CHECK(p.s().count("SELECT count(*) FROM pay_links") == 1);
  CHECK(p.s().count("SELECT count(*) FROM pay_links WHERE token_hash = '" + pay_link_hash(token) + "'") == 1);

  auto res = p.page(token);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Cache-Control") == "no-store");
  const Json view = body_of(res);
  CHECK(view["ok"] == true);
  CHECK(view["state"] == "payable");
  CHECK(view["kind"] == "invoices");
  CHECK(view["amount"] == 6000);
  CHECK(view["fee"] == 0);
  CHECK(view["total"] == 6000);
  CHECK(view["currency"] == "EUR");
  CHECK(view["patient_name"] == "Éloïse Dupré");
  CHECK(view["note"] == "Séance du 1er décembre");
  CHECK(view["practice"]["name"] == "Cabinet Ébène");
  CHECK(view["save_card"] == "none");
  CHECK(view["stripe"] == Json{{"publishable_key", kPublishableKey}, {"js_url", p.stripe->base() + "/v3/"}});
  REQUIRE(view["invoices"].size() == 1);
  CHECK(view["invoices"][0]["due"] == 6000);
  CHECK_FALSE(view["invoices"][0].contains("pdf"));  // only once paid
  for (const char* secret : {"patient_email", "request_id", "patient_id"}) CHECK_FALSE(view.contains(secret));
  CHECK(res->body.find("eloise@example.fr") == std::string::npos);

  // The first view tells the devices the page was opened; the next ones do not again.
  std::optional<Json> opened = p.wait_event("payment_request.update");
  REQUIRE(opened);
  CHECK(opened->at("data")["state"] == "opened");
  CHECK(opened->at("data")["request_id"] == p.d().request_row(token)["request_id"]);
  CHECK(body_of(p.page(token))["state"] == "payable");
  CHECK(p.count_events("payment_request.update") == 1);
  p.d().sync();
  CHECK(p.d().request_row(token)["state"] == "opened");
  CHECK(p.d().request_row(token)["opened_at"] == opened->at("data")["at"]);
}

TEST_CASE("pay: unknown, malformed, tampered and other clinics' links answer 404 and nothing else") {
  Pay p;
  const std::string patient = p.d().patient("Léa Moreau");
  const std::string token = p.d().request({{"patient_id", patient}, {"kind", "deposit"}, {"amount", 3000}});
  REQUIRE(body_of(p.page(token))["state"] == "payable");

  check_unknown(p.page(new_token()));                // well formed, never made
  check_unknown(p.page("abc"));                      // too short
  check_unknown(p.page(token.substr(0, 42) + "!"));  // not base64url
  check_unknown(p.page(tampered(token)));            // one character changed
  check_unknown(p.intent(tampered(token)));
  check_unknown(p.pdf(tampered(token), "inv"));
  CHECK(error_of(p.s().get("/api/pay/" + token + "/nothing")) == std::pair<int, std::string>{404, "not_found"});

  // Another clinic's device sends an operation with this clinic's token: the link stays this
  // clinic's, and the other clinic's request is never shown for it.
  NewDevice other = p.s().db->with([](Sql& d) { return create_clinic(d, "Autre cabinet", system_now()); });
  Station intruder(p.s(), other);
  const std::string theirs = intruder.patient("Quelqu'un d'autre");
  intruder.request({{"patient_id", theirs}, {"kind", "deposit"}, {"amount", 100}}, token);
  const Json view = body_of(p.page(token));
  CHECK(view["amount"] == 3000);
  CHECK(view["practice"]["name"] == "Cabinet Ébène");
  CHECK(body_of(p.page(token))["patient_name"] == "Léa Moreau");
  // A link the server holds for another clinic is looked for in that clinic's books only: this
  // clinic's request behind the same token is not found there, and nothing of either is said.
  const std::string squatted = new_token();
  p.s().db->with([&](Sql& d) {
    d.prepare("INSERT INTO pay_links(token_hash, clinic_id, created_at) VALUES (?, ?, '2026-12-01T00:00:00Z')")
        .bind(1, pay_link_hash(squatted))
        .bind(2, other.clinic_id)
        .step();
  });
  p.d().request({{"patient_id", patient}, {"kind", "deposit"}, {"amount", 4000}}, squatted);
  check_unknown(p.page(squatted));
  check_unknown(p.intent(squatted));
}

TEST_CASE("pay: an expired link says so and takes no payment, by the books' expiry or the server's clock") {
  Pay p;
  const std::string patient = p.d().patient("Hugo Bernard");
  const std::string invoice = p.d().invoice(patient, 5000);
  p.d().offset = -48 * 3600;  // made two days ago, valid one hour
  const std::string old = p.d().request({{"patient_id", patient}, {"invoice_ids", {invoice}}, {"expires_in_hours", 1}});
  const Json view = body_of(p.page(old));
  CHECK(view == Json{{"ok", true},
                     {"state", "expired"},
                     {"kind", "invoices"},
                     {"practice", {{"name", "Cabinet Ébène"}, {"email", "contact@ebene.fr"}}}});
  CHECK(error_of(p.intent(old)) == std::pair<int, std::string>{410, "link_expired"});
  CHECK(p.count_events("payment_request.update") == 0);  // an expired page is not « opened »

  p.d().offset = 0;
  const std::string fresh =
      p.d().request({{"patient_id", patient}, {"invoice_ids", {invoice}}, {"expires_in_hours", 1}});
  CHECK(body_of(p.page(fresh))["state"] == "payable");
  p.s().skew = 2 * 3600;  // two hours later on the server
  CHECK(body_of(p.page(fresh))["state"] == "expired");
  CHECK(error_of(p.intent(fresh)) == std::pair<int, std::string>{410, "link_expired"});
  CHECK(p.stripe->stats()["payment_intents"] == 0);
}

TEST_CASE("pay: a cancelled request's link is gone: 410 link_cancelled") {
  Pay p;
  const std::string patient = p.d().patient("Inès Garnier");
  const std::string token = p.d().request({{"patient_id", patient}, {"kind", "deposit"}, {"amount", 2000}});
  p.d().exec({{"cmd", "payment_request.cancel"}, {"request_id", p.d().request_row(token)["request_id"]}});
  p.d().push();
  const Json view = body_of(p.page(token));
  CHECK(view["state"] == "cancelled");
  CHECK_FALSE(view.contains("amount"));
  CHECK(error_of(p.intent(token)) == std::pair<int, std::string>{410, "link_cancelled"});
}

TEST_CASE("pay: the intent is for the server's total, fee passed on included; paid, the books settle the invoice") {
  Pay p;
  p.d().exec({{"cmd", "settings.set"}, {"key", "billing.pass_fees"}, {"value", "1"}});
  const std::string patient = p.d().patient("Éloïse Dupré", "eloise@example.fr");
  const std::string invoice = p.d().invoice(patient, 6000);
  const std::string token = p.d().request({{"patient_id", patient}, {"invoice_ids", {invoice}}});
  const Json view = body_of(p.page(token));
  const std::int64_t fee = view["fee"];
  CHECK(fee > 0);
  CHECK(view["total"] == 6000 + fee);
  CHECK(error_of(p.pdf(token, invoice)) == std::pair<int, std::string>{404, "not_found"});  // not paid yet

  // Whatever the body says, the amount is the books'.
  const Json intent = p.intent_ok(token, {{"amount", 1}, {"total", 1}, {"save_card", false}});
  CHECK(intent["mode"] == "payment");
  CHECK(intent["amount"] == 6000);
  CHECK(intent["fee"] == fee);
  CHECK(intent["total"] == 6000 + fee);
  const std::string secret = intent["client_secret"];
  const Json pi = p.stripe_object(secret);
  CHECK(pi["amount"] == 6000 + fee);
  CHECK(pi["currency"] == "eur");
  CHECK(pi["automatic_payment_methods"]["enabled"] == true);
  CHECK(pi["metadata"]["request_id"] == p.d().request_row(token)["request_id"]);
  CHECK(pi["metadata"]["clinic_id"] == p.d().identity.clinic_id);
  CHECK(pi["metadata"]["patient_id"] == patient);
  CHECK(pi["setup_future_usage"].is_null());
  // A reload gives the same intent again, not a second one.
  CHECK(p.intent_ok(token)["client_secret"] == secret);
  CHECK(p.stripe->stats()["payment_intents"] == 1);

  // The patient pays in the page (Stripe.js → Stripe), Stripe's webhook tells the server.
  CHECK(p.confirm(secret, "pm_card_visa").first == 200);
  std::optional<Json> paid = p.wait_event("payment.succeeded", "request_id", p.d().request_row(token)["request_id"]);
  REQUIRE(paid);
  CHECK(paid->at("data")["amount"] == 6000 + fee);
  CHECK(paid->at("data")["surcharge"] == fee);
  CHECK(paid->at("data")["invoice_id"] == "");
  CHECK(paid->at("data")["patient_id"] == patient);
  const Json done = p.wait_state(token, "paid");
  CHECK(done["state"] == "paid");
  CHECK(done["total"] == 6000 + fee);
  CHECK(done["invoices"][0]["due"] == 0);
  CHECK(done["invoices"][0]["pdf"] == "/api/pay/" + token + "/invoices/" + invoice + "/pdf");
  CHECK(error_of(p.intent(token)) == std::pair<int, std::string>{409, "already_paid"});

  // The patient's PDF says paid before any device synced: the server wrote the payment into
  // the clinic's log, and its copy of the books has it.
  auto file = p.pdf(token, invoice);
  REQUIRE(file);
  CHECK(file->status == 200);
  CHECK(file->get_header_value("Content-Type") == "application/pdf");
  CHECK(file->body.rfind("%PDF", 0) == 0);
  CHECK(file->body.find("Carte en ligne") != std::string::npos);
  CHECK(error_of(p.pdf(token, "another-invoice")) == std::pair<int, std::string>{404, "not_found"});

  // The device records the server's events: the invoice is settled, the fee is not credit.
  p.d().sync();
  CHECK(p.d().query({{"cmd", "invoice.get"}, {"invoice_id", invoice}})["status"] == "paid");
  CHECK(p.d().query({{"cmd", "patient.balance"}, {"patient_id", patient}})["credit"] == 0);
  CHECK(p.d().request_row(token)["state"] == "paid");
  const Json payments = p.d().query({{"cmd", "payment.list"}, {"patient_id", patient}})["items"];
  REQUIRE(payments.size() == 1);
  CHECK(payments[0]["amount"] == 6000);
  CHECK(payments[0]["payment_type_id"] == "card_online");
  const Json after = body_of(p.page(token));
  CHECK(after["state"] == "paid");
  CHECK(after["total"] == 6000 + fee);
  auto again = p.pdf(token, invoice);
  REQUIRE(again);
  CHECK(again->body.rfind("%PDF", 0) == 0);
  CHECK(p.stripe->stats()["charges"] == 1);
}

TEST_CASE("pay: a deposit paid on the page becomes the patient's account credit") {
  Pay p;
  const std::string patient = p.d().patient("Noël Œuvrard");
  const std::string token = p.d().request({{"patient_id", patient}, {"kind", "deposit"}, {"amount", 3000}});
  const Json intent = p.intent_ok(token);
  CHECK(intent["total"] == 3000);
  CHECK(p.confirm(intent["client_secret"], "pm_card_mastercard").first == 200);
  REQUIRE(p.wait_event("payment.succeeded"));
  CHECK(p.wait_state(token, "paid")["total"] == 3000);
  p.d().sync();
  CHECK(p.d().query({{"cmd", "patient.balance"}, {"patient_id", patient}})["credit"] == 3000);
  CHECK(p.d().request_row(token)["state"] == "paid");
}

TEST_CASE("pay: a booking's deposit paid on the page makes its invoice; the balance link pays the rest (seed 004)") {
  Pay p;
  const std::string patient = p.d().patient("Maëlle Fournier", "maelle@example.fr");
  const std::string category = p.d().exec({{"cmd", "appointment_category.create"},
                                           {"name", "Bilan kiné"},
                                           {"price", 5000},
                                           {"policy", "deposit_percent"},
                                           {"deposit_value", 3000}})["category_id"];
  const std::string booking = new_token();
  const Json appointment = p.d().exec({{"cmd", "appointment.book"},
                                       {"patient_id", patient},
                                       {"category_id", category},
                                       {"starts_at", "2026-12-18T10:00"},
                                       {"token", booking}});
  p.d().push();
  // The deposit: 30 % of 50 €, asked with the appointment, no invoice yet.
  const Json page = body_of(p.page(booking));
  CHECK(page["amount"] == 1500);
  CHECK(page["appointment"]["payment"] == "deposit");
  CHECK(page["invoices"].empty());
  CHECK(p.confirm(p.intent_ok(booking)["client_secret"], "pm_card_visa").first == 200);
  REQUIRE(p.wait_state(booking, "paid")["total"] == 1500);
  p.d().sync();
  Json listed = p.d().query({{"cmd", "appointment.list"}, {"patient_id", patient}})["items"][0];
  CHECK(listed["status"] == "confirmed");
  CHECK(listed["invoice_number"].get<std::string>().rfind("F-", 0) == 0);
  CHECK(listed["invoice_number"].get<std::string>().find("-WEB-") != std::string::npos);
  CHECK(listed["money"]["due"] == 3500);
  const std::string invoice = listed["invoice_id"];

  // « Envoyer un lien pour le solde »: the rest of the invoice, paid on its page.
  const std::string balance = p.d().request({{"patient_id", patient}, {"invoice_ids", {invoice}}});
  CHECK(body_of(p.page(balance))["amount"] == 3500);
  CHECK(p.confirm(p.intent_ok(balance)["client_secret"], "pm_card_visa").first == 200);
  REQUIRE(p.wait_state(balance, "paid")["total"] == 3500);
  p.d().sync();
  listed = p.d().query({{"cmd", "appointment.list"}, {"patient_id", patient}})["items"][0];
  CHECK(listed["money"]["due"] == 0);
  CHECK(p.d().query({{"cmd", "invoice.get"}, {"invoice_id", invoice}})["status"] == "paid");
  CHECK(p.d().query({{"cmd", "patient.balance"}, {"patient_id", patient}})["credit"] == 0);
  // Both pages now give the invoice's PDF.
  const Json first = body_of(p.page(booking));
  REQUIRE(first["invoices"].size() == 1);
  CHECK(first["invoices"][0]["pdf"].get<std::string>().find(invoice) != std::string::npos);
  auto pdf = p.pdf(booking, invoice);
  REQUIRE(pdf);
  CHECK(pdf->status == 200);
  (void)appointment;
}

TEST_CASE("pay: a declined card leaves the link payable; another card then pays the same intent") {
  Pay p;
  const std::string patient = p.d().patient("Rose Lambert");
  const std::string invoice = p.d().invoice(patient, 4500);
  const std::string token = p.d().request({{"patient_id", patient}, {"invoice_ids", {invoice}}});
  const std::string request_id = p.d().request_row(token)["request_id"];
  const std::string secret = p.intent_ok(token)["client_secret"];
  const auto declined = p.confirm(secret, "pm_card_chargeDeclinedInsufficientFunds");
  CHECK(declined.first == 402);
  CHECK(declined.second["error"]["decline_code"] == "insufficient_funds");
  std::optional<Json> failed = p.wait_event("payment.failed", "request_id", request_id);
  REQUIRE(failed);
  CHECK(failed->at("data")["decline_code"] == "insufficient_funds");
  CHECK(body_of(p.page(token))["state"] == "payable");
  p.d().sync();
  CHECK(p.d().request_row(token)["state"] == "failed");
  CHECK(body_of(p.page(token))["state"] == "payable");

  // The page, still open or reloaded, pays with another card.
  CHECK(p.intent_ok(token)["client_secret"] == secret);
  CHECK(p.confirm(secret, "pm_card_visa").first == 200);
  REQUIRE(p.wait_event("payment.succeeded", "request_id", request_id));
  CHECK(p.wait_state(token, "paid")["state"] == "paid");
  p.d().sync();
  CHECK(p.d().query({{"cmd", "invoice.get"}, {"invoice_id", invoice}})["status"] == "paid");
  CHECK(p.stripe->stats()["payment_intents"] == 1);
}

TEST_CASE("pay: with the patient's consent the card is kept for later; without the offer, consent counts for nothing") {
  Pay p;
  const std::string patient = p.d().patient("Éloïse Dupré", "eloise@example.fr");
  const std::string invoice = p.d().invoice(patient, 7000);
  const std::string token = p.d().request({{"patient_id", patient}, {"invoice_ids", {invoice}}, {"save_card", true}});
  CHECK(body_of(p.page(token))["save_card"] == "offered");

  // First without consent, then the patient ticks the box: the first intent is canceled.
  const std::string plain = p.intent_ok(token, {{"save_card", false}})["client_secret"];
  const std::string kept = p.intent_ok(token, {{"save_card", true}})["client_secret"];
  CHECK(kept != plain);
  CHECK(p.stripe_object(plain)["status"] == "canceled");
  const Json pi = p.stripe_object(kept);
  CHECK(pi["setup_future_usage"] == "off_session");
  CHECK(pi["customer"].is_string());
  CHECK(p.intent_ok(token, {{"save_card", true}})["client_secret"] == kept);
  CHECK(error_of(p.intent(token, {{"save_card", "yes"}})) == std::pair<int, std::string>{400, "invalid_argument"});

  CHECK(p.confirm(kept, "pm_card_visa").first == 200);
  std::optional<Json> card = p.wait_event("card.saved", "patient_id", patient);
  REQUIRE(card);
  CHECK(card->at("data")["last4"] == "4242");
  CHECK_FALSE(card->at("data").contains("request_id"));  // the request is paid by its payment
  REQUIRE(p.wait_event("payment.succeeded", "patient_id", patient));
  const Json cards = body_of(p.s().get("/api/cards?patient_id=" + patient, p.d().auth()))["cards"];
  CHECK(cards.size() == 1);
  p.d().sync();
  CHECK(p.d().query({{"cmd", "card.list"}, {"patient_id", patient}})["items"].size() == 1);
  CHECK(p.d().request_row(token)["state"] == "paid");
  CHECK(p.d().query({{"cmd", "invoice.get"}, {"invoice_id", invoice}})["status"] == "paid");

  // A request that does not offer it: the consent sent is ignored.
  const std::string other_invoice = p.d().invoice(patient, 2000);
  const std::string plain_token = p.d().request({{"patient_id", patient}, {"invoice_ids", {other_invoice}}});
  const Json plain_pi = p.stripe_object(p.intent_ok(plain_token, {{"save_card", true}})["client_secret"]);
  CHECK(plain_pi["setup_future_usage"].is_null());
}

TEST_CASE("pay: a card request is a SetupIntent; the saved card comes back as card.saved with the request") {
  Pay p;
  const std::string patient = p.d().patient("Hugo Bernard", "hugo@example.fr");
  const std::string token = p.d().request({{"patient_id", patient}, {"kind", "card"}});
  const std::string request_id = p.d().request_row(token)["request_id"];
  const Json view = body_of(p.page(token));
  CHECK(view["save_card"] == "required");
  CHECK(view["total"] == 0);
  const Json intent = p.intent_ok(token);
  CHECK(intent["mode"] == "setup");
  CHECK(intent["total"] == 0);
  const std::string secret = intent["client_secret"];
  CHECK(secret.rfind("seti_", 0) == 0);
  CHECK(p.intent_ok(token)["client_secret"] == secret);
  CHECK(p.stripe_object(secret)["metadata"]["request_id"] == request_id);

  CHECK(p.confirm(secret, "pm_card_visa").first == 200);
  std::optional<Json> saved = p.wait_event("card.saved", "request_id", request_id);
  REQUIRE(saved);
  CHECK(saved->at("data")["patient_id"] == patient);
  CHECK(p.wait_state(token, "paid")["state"] == "paid");
  CHECK(error_of(p.intent(token)) == std::pair<int, std::string>{409, "already_paid"});
  p.d().sync();
  CHECK(p.d().request_row(token)["state"] == "paid");
  CHECK(p.d().query({{"cmd", "card.list"}, {"patient_id", patient}})["items"].size() == 1);
  CHECK(p.stripe->stats()["charges"] == 0);
}

TEST_CASE("pay: a payment still processing at the bank is said so, and blocks another one") {
  Pay p;
  const std::string patient = p.d().patient("Léa Moreau");
  const std::string token = p.d().request({{"patient_id", patient}, {"kind", "deposit"}, {"amount", 8000}});
  const std::string secret = p.intent_ok(token)["client_secret"];
  CHECK(p.confirm(secret, "pm_card_processing").first == 200);
  CHECK(p.wait_state(token, "processing")["state"] == "processing");
  CHECK(error_of(p.intent(token)) == std::pair<int, std::string>{409, "payment_processing"});
  p.stripe->control("/_double/settle", {{"payment_intent", secret.substr(0, secret.find("_secret_"))}});
  CHECK(p.wait_state(token, "paid")["total"] == 8000);
}

TEST_CASE("pay: /pay/TOKEN is the page, under its Content-Security-Policy; other /pay/ paths are not") {
  Pay p;
  fs::create_directories(p.s().root.path / "web");
  fs::copy_file(fs::path(QUITTANCE_SOURCE_DIR) / "web" / "pay.html", p.s().root.path / "web" / "pay.html");
  const std::string token = new_token();  // the page is served for any link; it asks the API
  auto res = p.s().get("/pay/" + token);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
  const std::string origin = p.stripe->base();
  CHECK(res->get_header_value("Content-Security-Policy") ==
        "default-src 'none'; script-src 'self' " + origin + "; frame-src " + origin + "; connect-src 'self' " + origin +
            "; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'");
  CHECK(res->get_header_value("Referrer-Policy") == "same-origin");
  CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(res->get_header_value("Cache-Control") == "no-store");
  CHECK(res->body.find("pay.js") != std::string::npos);
  for (const std::string& path :
       std::vector<std::string>{"/pay/short", "/pay/" + token + "/x", "/pay/", "/pay/" + token.substr(0, 42) + "%21"}) {
    auto other = p.s().get(path);
    REQUIRE(other);
    CHECK_MESSAGE(other->status == 404, path);
  }
  // The origins come from the configuration.
  ServerConfig live;
  CHECK(pay_page_csp(live).find("script-src 'self' https://js.stripe.com; frame-src https://js.stripe.com "
                                "https://hooks.stripe.com; connect-src 'self' https://api.stripe.com;") !=
        std::string::npos);
  CHECK(url_origin("http://127.0.0.1:4000/v3/") == "http://127.0.0.1:4000");
}

TEST_CASE("pay: without Stripe the page still shows the request; paying answers 503; whoami gives the link base") {
  {
    Pay p(/*stripe_on=*/false);
    const std::string patient = p.d().patient("Inès Garnier");
    const std::string token = p.d().request({{"patient_id", patient}, {"kind", "deposit"}, {"amount", 1500}});
    CHECK(body_of(p.page(token))["state"] == "payable");
    CHECK(error_of(p.intent(token)) == std::pair<int, std::string>{503, "payments_unavailable"});
    CHECK(body_of(p.s().get("/api/whoami", p.d().auth()))["pay_base_url"] == "");
    CHECK(error_of(p.s().post("/api/pay/" + token + "/intent", "[1]")) ==
          std::pair<int, std::string>{400, "invalid_argument"});
    CHECK(error_of(p.s().post("/api/pay/" + token + "/intent", "{", "application/json")) ==
          std::pair<int, std::string>{400, "malformed_json"});
  }
  Pay p(/*stripe_on=*/false, "https://pay.cabinet.fr");
  CHECK(body_of(p.s().get("/api/whoami", p.d().auth()))["pay_base_url"] == "https://pay.cabinet.fr");
}

TEST_CASE("pay: guessing links from one address is cut off with 429") {
  Pay p(/*stripe_on=*/false);
  for (int i = 0; i < kMaxUnknownLinks; ++i) check_unknown(p.page(new_token()));
  auto res = p.page(new_token());
  CHECK(error_of(res) == std::pair<int, std::string>{429, "too_many_requests"});
  CHECK(std::stoi(res->get_header_value("Retry-After")) > 0);
}

TEST_CASE("pay: a patient's page polling for minutes is never locked out by its own calls") {
  Pay p(/*stripe_on=*/false);
  const std::string patient = p.d().patient("Inès Garnier");
  const std::string token = p.d().request({{"patient_id", patient}, {"kind", "deposit"}, {"amount", 1500}});
  // More calls from one address than the old per-address limit (300 in 5 minutes) allowed:
  // a page polling once a second while the bank confirms, and the patient's other tabs.
  for (int i = 0; i < 400; ++i) REQUIRE(p.page(token)->status == 200);
  // A guesser at the same address is still cut off after its unknown links.
  for (int i = 0; i < kMaxUnknownLinks; ++i) check_unknown(p.page(new_token()));
  CHECK(error_of(p.page(new_token())) == std::pair<int, std::string>{429, "too_many_requests"});
}

TEST_CASE("pay: imported books' requests have working links") {
  Pay p(/*stripe_on=*/false);
  TempDir dir;
  const std::string file = (dir.path / "books.db").string();
  std::string token = new_token();
  {
    store::Database books = store::Database::open(file);
    store::migrate(books, store::clinic_migrations());
    app::CommandLayer commands(books, app::system_clock());
    auto exec = [&](Json cmd) {
      cmd["id"] = app::new_command_id();
      Json answer = commands.exec(cmd);
      REQUIRE_MESSAGE(answer["ok"] == true, answer.dump());
      return answer["result"];
    };
    const std::string patient = exec({{"cmd", "patient.create"}, {"name", "Ancienne patiente"}})["patient_id"];
    exec({{"cmd", "payment_request.create"},
          {"token", token},
          {"patient_id", patient},
          {"kind", "deposit"},
          {"amount", 2500}});
  }
  const std::string clinic =
      p.s().db->with([](Sql& d) { return create_clinic(d, "Cabinet importé", system_now()).clinic_id; });
  p.s().db->with([&](Sql& d) {
    return import_books(d, clinic, file, (p.s().root.path / "data" / "snapshots").string(), "2026-12-01T10:00:00Z");
  });
  const Json view = body_of(p.page(token));
  CHECK(view["state"] == "payable");
  CHECK(view["amount"] == 2500);
}

TEST_CASE("pay: the page's Stripe.js settings come from the environment") {
  auto parse = [](std::map<std::string, std::string> env) {
    return config_from_environment([env](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    });
  };
  const ParsedConfig defaults = parse({});
  REQUIRE(defaults.ok());
  CHECK(defaults.config.stripe_js_url == "https://js.stripe.com/v3/");
  CHECK(defaults.config.stripe_publishable_key.empty());
  const ParsedConfig set =
      parse({{"STRIPE_JS_URL", "http://127.0.0.1:4000/v3/"}, {"STRIPE_PUBLISHABLE_KEY", "pk_test_123"}});
  REQUIRE(set.ok());
  CHECK(set.config.stripe_js_url == "http://127.0.0.1:4000/v3/");  // kept as given, '/' and all
  CHECK(set.config.stripe_publishable_key == "pk_test_123");
  CHECK(parse({{"STRIPE_JS_URL", "js.stripe.com/v3"}}).error.find("STRIPE_JS_URL") != std::string::npos);
  CHECK(parse({{"STRIPE_PUBLISHABLE_KEY", "pk test"}}).error.find("STRIPE_PUBLISHABLE_KEY") != std::string::npos);
}

TEST_CASE("pay: the per-address limit forgets addresses gone quiet, and only those") {
  FailureLimiter limit("test", 2, 10);
  limit.failed("a", 0);
  limit.failed("a", 1);
  limit.failed("b", 8);
  limit.forget_idle(9);
  CHECK(limit.retry_after("a", 9) == 1);  // still counted
  limit.forget_idle(11);                  // a's calls are out of the window; b's is not
  CHECK(limit.retry_after("a", 11) == 0);
  limit.failed("b", 12);
  CHECK(limit.retry_after("b", 12) == 6);
}
