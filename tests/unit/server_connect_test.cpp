// Stripe Connect on the server side (stripe/accounts.h, stripe/connect_routes.h): two clinics
// on one server in platform mode, each activating online payments from the app and paid into
// its own connected account at the Stripe double; the double's Connect webhooks come back to
// the server. What the books see comes through the clinic's log (pay_station.h).
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "pay_station.h"
#include "server/devices/devices.h"
#include "server/stripe/accounts.h"
#include "server_fixture.h"
#include "stripe_double_process.h"

using namespace quittance;
using namespace quittance::server;
using namespace quittance::server::testing;

namespace {

using Err = std::pair<int, std::string>;

// One clinic of the platform, as its owner's device sees it.
struct ClinicOnPlatform {
  PlatformWithStripe& p;
  NewDevice device;
  Station books;
  int commands = 0;

  ClinicOnPlatform(PlatformWithStripe& platform, NewDevice who) : p(platform), device(who), books(platform.s, who) {}
  httplib::Headers auth() const { return ApiServer::bearer(device.device_token); }
  std::string next_command() { return device.clinic_id.substr(0, 8) + "-cmd-" + std::to_string(++commands); }

  httplib::Result post(const std::string& path, const Json& body) {
    return p.s.post(path, body.dump(), "application/json", auth());
  }
  Json account() { return body_of(p.s.get("/api/stripe/account", auth())); }
  Json whoami() { return body_of(p.s.get("/api/whoami", auth())); }
  std::string account_id() { return account().value("account_id", ""); }

  // The account's state, waiting up to 5 s for Stripe's event to make it `state`.
  Json wait_state(const std::string& state) {
    Json view;
    for (int i = 0; i < 100; ++i) {
      view = account();
      if (view.value("state", "") == state) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return view;
  }

  // « Activer les paiements en ligne »: the link to Stripe's form.
  Json link(const std::string& role = "owner", const Json& extra = Json::object()) {
    Json body = {{"command_id", next_command()}, {"role", role}};
    body.update(extra);
    auto res = post("/api/stripe/account/link", body);
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 201);
    return body_of(res);
  }

  // The practitioner fills Stripe's form (the double's stand-in) with the outcome Stripe's
  // checks will have; Stripe sends them back to the return URL.
  std::string complete_form(const std::string& url, const std::string& outcome) {
    const std::string base = p.stripe.base();
    REQUIRE(url.rfind(base, 0) == 0);
    const std::string path = url.substr(base.size());
    httplib::Client c("127.0.0.1", p.stripe.port);
    auto page = c.Get(path);
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->body.find("Envoyer") != std::string::npos);
    auto sent = c.Post(path, "business_name=Cabinet&iban=FR1420041010050500013M02606&outcome=" + outcome,
                       "application/x-www-form-urlencoded");
    REQUIRE(sent);
    CHECK(sent->status == 303);
    return sent->get_header_value("Location");
  }

  void activate() {
    const Json link_answer = link();
    const std::string back = complete_form(link_answer["url"], "active");
    CHECK(back == "http://127.0.0.1:" + std::to_string(p.server_port) + "/stripe/onboarding/return");
    REQUIRE(wait_state("active")["state"] == "active");
  }

  // A card saved by the patient on the clinic's account (Stripe.js confirms it there).
  void save_card(const std::string& patient_id) {
    auto setup = post("/api/cards/setup", {{"command_id", next_command()},
                                           {"role", "billing"},
                                           {"patient_id", patient_id},
                                           {"patient_name", "Éloïse Dupré"}});
    REQUIRE(setup);
    INFO(setup->body);
    REQUIRE(setup->status == 201);
    p.stripe.stripe_post("/v1/setup_intents/" + body_of(setup)["setup_intent_id"].get<std::string>() + "/confirm",
                         {{"payment_method", "pm_card_visa"}}, account_id());
    for (int i = 0; i < 100; ++i) {
      if (!body_of(p.s.get("/api/cards?patient_id=" + patient_id, auth()))["cards"].empty()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("the card was not saved");
  }

  // The patient pays a payment request on its page: Stripe.js, initialised with the clinic's
  // account, confirms the intent there with the publishable key.
  void pay_on_page(const std::string& token) {
    const Json page = body_of(p.s.get("/api/pay/" + token));
    CHECK(page["stripe"]["account"] == account_id());
    auto made = p.s.post("/api/pay/" + token + "/intent", "{}");
    REQUIRE(made);
    INFO(made->body);
    REQUIRE(made->status == 200);
    const std::string secret = body_of(made)["client_secret"];
    const std::string id = secret.substr(0, secret.find("_secret_"));
    httplib::Client c("127.0.0.1", p.stripe.port);
    auto confirmed = c.Post("/v1/payment_intents/" + id + "/confirm",
                            {{"Authorization", "Bearer pk_test_double"}, {"Stripe-Account", account_id()}},
                            form_encode({{"payment_method", "pm_card_visa"},
                                         {"client_secret", secret},
                                         {"return_url", "http://127.0.0.1/pay/x"}}),
                            "application/x-www-form-urlencoded");
    REQUIRE(confirmed);
    INFO(confirmed->body);
    REQUIRE(confirmed->status == 200);
    for (int i = 0; i < 100; ++i) {
      if (body_of(p.s.get("/api/pay/" + token)).value("state", "") == "paid") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("the page never said paid");
  }

  httplib::Result charge(const std::string& patient_id, const std::string& invoice_id, std::int64_t amount) {
    return post("/api/charges", {{"command_id", next_command()},
                                 {"role", "billing"},
                                 {"patient_id", patient_id},
                                 {"invoice_id", invoice_id},
                                 {"invoice_number", "F-2026-A-000001"},
                                 {"amount", amount},
                                 {"amount_due", amount},
                                 {"currency", "EUR"},
                                 {"paid_on", "2026-12-06"},
                                 {"log_after", books.replica.applied_through()}});
  }
};

// Counts of the double's objects in one scope ("platform" or an account id).
Json scope_counts(PlatformWithStripe& p, const std::string& scope) {
  const Json by_scope = p.stripe.stats()["by_scope"];
  return by_scope.contains(scope) ? by_scope[scope] : Json::object();
}

std::int64_t count_of(const Json& counts, const char* name) {
  return counts.contains(name) ? counts[name].get<std::int64_t>() : 0;
}

// A signed delivery to the Connect endpoint.
httplib::Result deliver_connect(ApiServer& s, const Json& event, const std::string& secret = kConnectWebhookSecret) {
  const std::string body = event.dump();
  const std::string ts = std::to_string(s.now());
  return s.post("/api/stripe/connect-webhook", body, "application/json",
                {{"Stripe-Signature", "t=" + ts + ",v1=" + stripe_signature_v1(ts, body, secret)}});
}

NewDevice second_clinic(PlatformWithStripe& p) {
  return p.s.db->with([](Sql& d) { return create_clinic(d, "Cabinet Bérénice Roux", system_now()); });
}

// Two clinics of the platform, both activated.
struct TwoActiveClinics {
  PlatformWithStripe p;
  ClinicOnPlatform a{p, p.s.admin};
  ClinicOnPlatform b{p, second_clinic(p)};
  TwoActiveClinics() {
    a.activate();
    b.activate();
  }
};

// A patient of `clinic` with a card saved on its account, and an issued invoice, pushed.
struct CardHolder {
  std::string patient, invoice;
};
CardHolder card_holder(ClinicOnPlatform& clinic, const std::string& name, std::int64_t price) {
  CardHolder h;
  h.patient = clinic.books.patient(name);
  h.invoice = clinic.books.invoice(h.patient, price);
  clinic.books.push();
  clinic.save_card(h.patient);
  return h;
}

}  // namespace

TEST_CASE("connect: the owner activates online payments from the app; the state follows Stripe's form and events") {
  PlatformWithStripe p;
  ClinicOnPlatform a(p, p.s.admin);
  Json view = a.account();
  CHECK(view["mode"] == "platform");
  CHECK(view["state"] == "not_activated");
  CHECK(a.whoami()["card_payments"] == false);
  CHECK(a.whoami()["online_payments"] == Json{{"mode", "platform"}, {"state", "not_activated"}});
  // Nothing is charged before: the clinic has no account to be paid into.
  CHECK(error_of(a.post("/api/cards/setup", {{"command_id", "c-1"},
                                             {"role", "billing"},
                                             {"patient_id", "p-1"},
                                             {"patient_name", "Éloïse"}})) == Err{409, "payments_not_active"});
  // Only the owner, on an owner's device.
  CHECK(error_of(a.post("/api/stripe/account/link", {{"command_id", "l-1"}, {"role", "billing"}})) ==
        Err{403, "forbidden"});
  CHECK(error_of(a.post("/api/stripe/account/link", {{"command_id", "l-1"}, {"role", "owner"}, {"country", "fr"}})) ==
        Err{400, "invalid_argument"});
  CHECK(p.stripe.control("/_double/connect/accounts")["data"].empty());

  const Json first = a.link();
  CHECK(first["state"] == "incomplete");
  const std::string account = first["account_id"];
  CHECK(valid_account_id(account));
  CHECK(first["url"].get<std::string>().rfind(p.stripe.base() + "/_double/connect/onboard/", 0) == 0);
  // A second click resumes the same account with a fresh link.
  const Json again = a.link();
  CHECK(again["account_id"] == account);
  CHECK(again["url"] != first["url"]);
  const Json accounts = p.stripe.control("/_double/connect/accounts")["data"];
  REQUIRE(accounts.size() == 1);
  CHECK(accounts[0]["id"] == account);

  // The form sent, Stripe is checking: « En vérification ».
  const std::string back = a.complete_form(again["url"], "review");
  CHECK(back == "http://127.0.0.1:" + std::to_string(p.server_port) + "/stripe/onboarding/return");
  CHECK(a.wait_state("in_review")["state"] == "in_review");
  // The return page takes the practitioner to the app, and changes nothing by itself.
  auto returned = p.s.get("/stripe/onboarding/return");
  REQUIRE(returned);
  CHECK(returned->status == 303);
  CHECK(returned->get_header_value("Location") == kOrigin + "/#stripe=return");
  CHECK(p.s.get("/stripe/onboarding/refresh")->get_header_value("Location") == kOrigin + "/#stripe=refresh");
  CHECK(a.account()["state"] == "in_review");
  CHECK(p.stripe.control("/_double/connect/accounts")["data"].size() == 1);  // no link, no account made

  // Stripe is done: « Actif », and card payments are offered.
  p.stripe.control("/_double/connect/accounts/" + account + "/update",
                   {{"charges_enabled", true}, {"payouts_enabled", true}, {"requirements", {{"pending_verification", Json::array()}, {"disabled_reason", nullptr}}}});
  CHECK(a.wait_state("active")["state"] == "active");
  CHECK(a.whoami()["card_payments"] == true);
  CHECK(a.account()["dashboard_url"] == p.stripe.base() + "/_double/connect/dashboard");

  // Restricted mid-way (a document refused): Stripe's requirement list reaches the app.
  p.stripe.control("/_double/connect/accounts/" + account + "/update",
                   {{"charges_enabled", false},
                    {"requirements",
                     {{"currently_due", {"individual.verification.document"}},
                      {"past_due", {"individual.verification.document"}},
                      {"errors",
                       {{{"requirement", "individual.verification.document"},
                         {"code", "verification_document_failed_other"},
                         {"reason", "The document could not be verified."}}}},
                      {"disabled_reason", "requirements.past_due"}}}});
  view = a.wait_state("restricted");
  REQUIRE(view["state"] == "restricted");
  REQUIRE(view["requirements"].size() == 1);
  CHECK(view["requirements"][0]["code"] == "individual.verification.document");
  CHECK(view["requirements"][0]["error"] == "verification_document_failed_other");
  CHECK(a.whoami()["card_payments"] == false);
  CHECK(error_of(a.charge("p-1", "inv-1", 1000)) == Err{409, "payments_not_active"});

  // « Reprendre l'activation », then the app asks Stripe on return: active again.
  a.complete_form(a.link()["url"], "active");
  auto refreshed = a.post("/api/stripe/account/refresh", {{"role", "owner"}});
  REQUIRE(refreshed);
  CHECK(body_of(refreshed)["state"] == "active");
  // The account's events are kept without the practice's identity or bank details.
  CHECK(p.s.count("SELECT count(*) FROM stripe_events WHERE type = 'account.updated'") > 0);
  CHECK(p.s.count("SELECT count(*) FROM stripe_events WHERE type = 'account.updated' AND "
                  "(payload LIKE '%business_profile%' OR payload LIKE '%external_account%')") == 0);
}

TEST_CASE("connect: an expired link or an unreachable Stripe changes nothing, and says so") {
  PlatformWithStripe p;
  ClinicOnPlatform a(p, p.s.admin);
  const Json link = a.link();
  const std::string url = link["url"];
  const std::string token = url.substr(url.rfind('/') + 1);
  p.stripe.control("/_double/connect/links/" + token + "/expire", Json::object());
  // Stripe sends an expired link to the refresh URL, which leads back to the app.
  httplib::Client c("127.0.0.1", p.stripe.port);
  auto expired = c.Get(url.substr(p.stripe.base().size()));
  REQUIRE(expired);
  CHECK(expired->status == 303);
  CHECK(expired->get_header_value("Location") ==
        "http://127.0.0.1:" + std::to_string(p.server_port) + "/stripe/onboarding/refresh");
  CHECK(a.account()["state"] == "incomplete");

  // Stripe unreachable while a second clinic activates: 502, and no account recorded.
  ClinicOnPlatform b(p, second_clinic(p));
  p.stripe.control("/_double/fail-next",
                   {{"method", "POST"}, {"path_prefix", "/v1/accounts"}, {"mode", "drop_request"}, {"count", 3}});
  auto cut = b.post("/api/stripe/account/link", {{"command_id", "b-link-1"}, {"role", "owner"}});
  CHECK(error_of(cut).first == 502);
  CHECK(b.account()["state"] == "not_activated");
  // A country Stripe does not serve is said as such.
  CHECK(error_of(b.post("/api/stripe/account/link", {{"command_id", "b-link-2"}, {"role", "owner"}, {"country", "ZZ"}})) ==
        Err{400, "country_unsupported"});
  // Then it works, with the same command id as the cut request.
  const Json ok = b.link("owner", {{"command_id", "b-link-1"}});
  CHECK(ok["state"] == "incomplete");
  CHECK(ok["account_id"] != link["account_id"]);
}

TEST_CASE("connect: two clinics each paid into their own account, the platform's untouched; no clinic reaches another's") {
  TwoActiveClinics two;
  auto& [p, a, b] = two;
  REQUIRE(a.account_id() != b.account_id());

  const std::string pa = a.books.patient("Éloïse Dupré", "eloise@example.fr");
  const std::string pb = b.books.patient("Marc Durand", "marc@example.fr");
  const std::string ia = a.books.invoice(pa, 6000);
  const std::string ib = b.books.invoice(pb, 4500);
  const std::string ib_link = b.books.invoice(pb, 3500);
  a.books.push();
  b.books.push();

  // « Débiter la carte » at each desk.
  a.save_card(pa);
  b.save_card(pb);
  auto charged_a = a.charge(pa, ia, 6000);
  auto charged_b = b.charge(pb, ib, 4500);
  REQUIRE(charged_a);
  REQUIRE(charged_b);
  INFO(charged_a->body);
  REQUIRE(charged_a->status == 200);
  REQUIRE(charged_b->status == 200);
  const std::string intent_a = body_of(charged_a)["payment_intent_id"];

  // A deposit asked of A's patient, a payment link for B's other invoice: paid on the page.
  a.pay_on_page(a.books.request({{"patient_id", pa}, {"kind", "deposit"}, {"amount", 3000}}));
  b.pay_on_page(b.books.request({{"patient_id", pb}, {"invoice_ids", {ib_link}}}));
  // Refund at A.
  auto refunded = a.post("/api/refunds", {{"command_id", a.next_command()},
                                          {"role", "owner"},
                                          {"payment_intent_id", intent_a},
                                          {"amount", 1000},
                                          {"reason", "Séance écourtée"},
                                          {"refunded_on", "2026-12-06"}});
  REQUIRE(refunded);
  CHECK(refunded->status == 200);

  const Json at_a = scope_counts(p, a.account_id());
  const Json at_b = scope_counts(p, b.account_id());
  const Json at_platform = scope_counts(p, "platform");
  CHECK(count_of(at_a, "payment_intents") == 2);
  CHECK(count_of(at_a, "refunds") == 1);
  CHECK(count_of(at_a, "customers") == 1);
  CHECK(count_of(at_b, "payment_intents") == 2);
  CHECK(count_of(at_b, "refunds") == 0);
  for (const char* kind : {"payment_intents", "customers", "setup_intents", "refunds"})
    CHECK_MESSAGE(count_of(at_platform, kind) == 0, kind);

  // B's device with A's ids: A's payment is not B's to refund; A's patient has no card at B.
  CHECK(error_of(b.post("/api/refunds", {{"command_id", b.next_command()},
                                         {"role", "owner"},
                                         {"payment_intent_id", intent_a},
                                         {"amount", 500},
                                         {"reason", "x"},
                                         {"refunded_on", "2026-12-06"}})) == Err{404, "unknown_payment"});
  CHECK(error_of(b.charge(pa, ia, 5000)) == Err{409, "no_saved_card"});
  // Extra ids in the body change nothing: the server charges B's own card on B's account.
  auto smuggled = b.post("/api/charges", Json{{"command_id", b.next_command()},
                                              {"role", "billing"},
                                              {"patient_id", pa},
                                              {"invoice_id", ia},
                                              {"invoice_number", "F-1"},
                                              {"amount", 100},
                                              {"amount_due", 100},
                                              {"currency", "EUR"},
                                              {"paid_on", "2026-12-06"},
                                              {"customer", "cus_of_a"},
                                              {"payment_method", "pm_card_visa"},
                                              {"log_after", 0}});
  CHECK(error_of(smuggled) == Err{409, "no_saved_card"});
  CHECK(count_of(scope_counts(p, a.account_id()), "payment_intents") == 2);

  // Both books learn their own payment, and only theirs.
  a.books.sync();
  b.books.sync();
  CHECK(a.books.query({{"cmd", "patient.balance"}, {"patient_id", pa}})["credit"] == 3000);  // the deposit
  CHECK(b.books.query({{"cmd", "invoice.get"}, {"invoice_id", ib}})["status"] == "paid");
  CHECK(b.books.query({{"cmd", "invoice.get"}, {"invoice_id", ib_link}})["status"] == "paid");
  CHECK(b.books.query({{"cmd", "patient.balance"}, {"patient_id", pb}})["credit"] == 0);
}

TEST_CASE("connect webhooks: routed by account to one clinic; unknown accounts and forgeries never applied") {
  TwoActiveClinics two;
  auto& [p, a, b] = two;
  const CardHolder eloise = card_holder(a, "Éloïse Dupré", 6000);
  auto charged = a.charge(eloise.patient, eloise.invoice, 6000);
  REQUIRE(charged);
  REQUIRE(charged->status == 200);
  const std::string intent = body_of(charged)["payment_intent_id"];
  const std::int64_t facts = p.s.count("SELECT count(*) FROM server_events");

  // A refund of A's payment, told as if it happened on B's account: not applied to A.
  const Json refund = {{"id", "re_forged"},
                       {"object", "refund"},
                       {"amount", 6000},
                       {"payment_intent", intent},
                       {"status", "succeeded"},
                       {"created", p.s.now()}};
  auto cross = deliver_connect(p.s, {{"id", "evt_cross"},
                                     {"type", "refund.created"},
                                     {"account", b.account_id()},
                                     {"created", p.s.now()},
                                     {"data", {{"object", refund}}}});
  REQUIRE(cross);
  CHECK(cross->status == 200);
  // An account of no clinic here: acknowledged (Stripe stops retrying), never applied.
  auto unknown = deliver_connect(p.s, {{"id", "evt_unknown"},
                                       {"type", "refund.created"},
                                       {"account", "acct_1NotOurs0000000"},
                                       {"created", p.s.now()},
                                       {"data", {{"object", refund}}}});
  REQUIRE(unknown);
  CHECK(unknown->status == 200);
  CHECK(body_of(unknown)["applied"] == false);
  // Signed with the account endpoint's secret, or not at all: refused.
  CHECK(error_of(deliver_connect(p.s, {{"id", "evt_x"}, {"type", "refund.created"}, {"account", a.account_id()}},
                                 kWebhookSecret)) == Err{400, "invalid_signature"});
  // The platform's own endpoint holds no clinic's money in platform mode.
  const std::string body = Json{{"id", "evt_platform"},
                                {"type", "refund.created"},
                                {"created", p.s.now()},
                                {"data", {{"object", refund}}}}
                               .dump();
  auto platform = p.s.deliver(body, p.s.now());
  REQUIRE(platform);
  CHECK(platform->status == 200);
  CHECK(p.s.count("SELECT count(*) FROM stripe_refunds") == 0);
  CHECK(p.s.count("SELECT count(*) FROM server_events") == facts);

  // The same refund on A's own account is A's.
  auto own = deliver_connect(p.s, {{"id", "evt_own"},
                                   {"type", "refund.created"},
                                   {"account", a.account_id()},
                                   {"created", p.s.now()},
                                   {"data", {{"object", refund}}}});
  REQUIRE(own);
  CHECK(own->status == 200);
  CHECK(p.s.count("SELECT count(*) FROM stripe_refunds") == 1);
}

TEST_CASE("connect: a clinic that disconnects Quittance from its Stripe account is no longer charged, and is told why") {
  TwoActiveClinics two;
  auto& [p, a, b] = two;
  const CardHolder eloise = card_holder(a, "Éloïse Dupré", 6000);
  const CardHolder marc = card_holder(b, "Marc Durand", 4500);
  const std::string& pa = eloise.patient;
  const std::string& pb = marc.patient;

  p.stripe.control("/_double/connect/accounts/" + a.account_id() + "/deauthorize", Json::object());
  CHECK(a.wait_state("deauthorized")["state"] == "deauthorized");
  CHECK(a.whoami()["card_payments"] == false);
  CHECK(a.account().contains("dashboard_url") == false);
  // Its saved cards lived on that account: removed, and the books are told.
  CHECK(body_of(p.s.get("/api/cards?patient_id=" + pa, a.auth()))["cards"].empty());
  CHECK(p.s.count("SELECT count(*) FROM server_events WHERE kind = 'card.removed'") == 1);
  CHECK(error_of(a.charge(pa, eloise.invoice, 6000)) == Err{409, "stripe_deauthorized"});
  // The other clinic goes on.
  CHECK(b.account()["state"] == "active");
  CHECK(body_of(p.s.get("/api/cards?patient_id=" + pb, b.auth()))["cards"].size() == 1);

  // Activating again makes a new account.
  const std::string before = a.account_id();
  const Json again = a.link();
  CHECK(again["state"] == "incomplete");
  CHECK(again["account_id"] != before);
}

TEST_CASE("connect: single mode pays one clinic; a server with two refuses it") {
  CHECK(stripe_mode_refusal(StripeMode::single, 1).empty());
  CHECK(stripe_mode_refusal(StripeMode::platform, 2).empty());
  CHECK(stripe_mode_refusal(StripeMode::none, 5).empty());
  const std::string refusal = stripe_mode_refusal(StripeMode::single, 2);
  CHECK(refusal.find("STRIPE_MODE=platform") != std::string::npos);

  // The account routes say there is nothing to activate.
  ServerWithStripe single;
  const auto auth = ApiServer::bearer(single.s.admin.device_token);
  const Json view = body_of(single.s.get("/api/stripe/account", auth));
  CHECK(view["mode"] == "single");
  CHECK(view["state"] == "active");
  CHECK(error_of(single.s.post("/api/stripe/account/link", Json{{"command_id", "l"}, {"role", "owner"}}.dump(),
                               "application/json", auth)) == Err{409, "not_platform"});

  // A second clinic added while the server runs (it would refuse to start so) is never paid into
  // the first one's account; the first goes on.
  const NewDevice other =
      single.s.db->with([](Sql& d) { return create_clinic(d, "Cabinet ajouté", system_now() + 5); });
  const auto other_auth = ApiServer::bearer(other.device_token);
  CHECK(body_of(single.s.get("/api/whoami", other_auth))["card_payments"] == false);
  CHECK(error_of(single.s.post("/api/cards/setup",
                               Json{{"command_id", "s-1"}, {"role", "owner"}, {"patient_id", "p"}, {"patient_name", "P"}}
                                   .dump(),
                               "application/json", other_auth)) == Err{409, "payments_not_active"});
  CHECK(body_of(single.s.get("/api/whoami", auth))["card_payments"] == true);
}
