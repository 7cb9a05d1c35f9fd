// quittance-hosted-bench: the hosted server under load (docs/deploy.md). Many clinics, two
// devices each, push operations, pull them and receive Stripe webhooks through one address (the
// balancer, or a single server for comparison), from several threads, for a bounded time; then
// checks what the database holds against what was acknowledged. Faults (kill -9 of a server
// process, a PostgreSQL restart) are the caller's to inject while it runs (scripts/bench-hosted):
// a request that fails is sent again, as a device would, and only an answer counts.
//
//   quittance-hosted-bench --url http://127.0.0.1:PORT --data DIR [--database-url URL]
//       [--clinics N] [--seconds S] [--threads T] [--webhook-secret whsec_…] [--label TEXT]
//       [--restore-clinic ID [--warm URL,URL…]] [--check-restores N] [--stripe URL]
//
// --restore-clinic: a new device of that clinic (a large practice, imported with import-books)
// restores its books again and again, with pauses as long, and the routes' times while a
// restore is under way are printed apart (« +restore »), so that what one large restore costs
// the other clinics shows; --warm restores it once from each server process first (each builds its own
// copy of the books from the log the first time: the time is printed). --check-restores N: afterwards N clinics' books are restored through the
// balancer by a new device and compared with their logs (default 20).
// --stripe: the Stripe double's address (tests/stripe_double, its webhooks sent to the
// balancer): each clinic gets three payment requests, and patients open their pages, ask for an
// intent and pay it at the double (its /_double/pay, as Stripe.js would), the first keeping the
// card, which the clinic's devices then charge (POST /api/charges, asked again under the same
// command id when an answer is lost); afterwards every payment the bank took must be recorded
// once, as one succeeded charge and one event in the clinic's log, and each clinic's account
// at the bank must hold as many payments as the server recorded. --mail-dir: the SMTP sink's folder (tests/smtp_sink), where no
// payment link may arrive twice.
//
// --data/--database-url name the server database the clinics are created in (as create-clinic
// does) and checked in afterwards. Prints operations per second and p50/p95/p99 per route,
// then the checks: every acknowledged operation in its clinic's log exactly once at the
// position it was given, each log without a gap, every acknowledged webhook event recorded and
// applied once. Exit status 1 when a check fails.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "app/clock.h"
#include "app/command_id.h"
#include "app/commands.h"
#include "core/schedule.h"
#include "server/common.h"
#include "server/devices/devices.h"
#include "server/pay/links.h"
#include "server/store/server_db.h"
#include "server/stripe/accounts.h"
#include "server/stripe/signature.h"
#include "server/sync/op_log.h"
#include "server/sync/server_events.h"
#include "store/database.h"
#include "store/migrations.h"
#include "sync/replica.h"

using namespace quittance;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string url, data, database_url, webhook_secret, restore_clinic, warm, stripe, mail_dir, label = "hosted";
  int clinics = 1000, seconds = 300, threads = 16, check_restores = 20;
};

struct BenchDevice {
  std::string clinic_id, device_id, token, series;
  std::int64_t base = 0;    // the log head this device last saw
  std::int64_t cursor = 0;  // how far it pulled
  std::int64_t made = 0;    // operations it made, numbering their ids
  std::vector<std::string> pay_tokens;  // the clinic's payment links (its first device holds them)
  std::string patient_id;               // the clinic's patient who pays, and whose card is saved
  std::mutex mutex;         // one thread drives a device at a time
};

// What the server said it took: checked against the database at the end.
struct Ledger {
  std::mutex mutex;
  std::map<std::string, std::map<std::string, std::int64_t>> ops;  // clinic → op id → seq
  std::vector<std::string> events;                                 // webhook event ids answered 200
  std::map<std::string, std::string> paid;                         // pay token → the intent the bank took
  std::map<std::string, std::string> charged;                      // charge command id → its intent
  std::map<std::string, int> charge_answers;                       // "200 succeeded", "409 no_saved_card"…
};

struct RouteTimes {
  std::mutex mutex;
  std::map<std::string, std::vector<double>> ms;  // route → latency of each answered request
  std::map<std::string, std::int64_t> failed;     // route → requests with no answer or a 5xx
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// Ten patient.create operations as a device records them.
Json batch_of(BenchDevice& d, const std::string& now) {
  Json ops = Json::array();
  for (int i = 0; i < 10; ++i) {
    app::Op op;
    op.id = d.device_id.substr(0, 8) + "-" + std::to_string(d.made + i);
    op.name = "patient.create";
    op.actor = "owner";
    op.body = Json{{"cmd", "patient.create"}, {"id", op.id}, {"name", "Patient " + op.id}}.dump();
    op.at = now;
    op.day = now.substr(0, 10);
    op.origin = d.device_id;
    op.series = d.series;
    ops.push_back(sync::op_to_json(op));
  }
  return ops;
}

// A patient and three payment requests of 25 € sent by email, made once by a real command layer on an empty
// practice; each clinic's log gets them under its own device, with tokens of its own.
constexpr int kRequests = 3;
std::string template_token(int i) { return std::string(42, 'T') + std::to_string(i); }

struct PayTemplate {
  std::vector<Json> ops;
  std::string patient_id;
};

PayTemplate payment_request_ops() {
  store::Database books = store::Database::open(":memory:");
  store::migrate(books, store::clinic_migrations());
  app::CommandLayer commands(books, app::system_clock());
  commands.set_origin("template", "A");
  auto exec = [&](Json cmd) {
    cmd["id"] = app::new_command_id();
    Json answer = commands.exec(cmd);
    if (answer["ok"] != true) throw std::runtime_error("the bench's payment requests: " + answer.dump());
    return answer["result"];
  };
  const std::string patient =
      exec({{"cmd", "patient.create"}, {"name", "Patiente du banc"}, {"email", "patiente@banc.test"}})["patient_id"];
  // Each request emailed to the patient at once (« Demande de paiement »), by whichever server
  // process holds the mail lock: killed while sending, it must never send one twice.
  for (int i = 0; i < kRequests; ++i) {
    // The first offers to keep the card for later payments (the page's « Enregistrer ma carte »).
    exec({{"cmd", "payment_request.create"}, {"token", template_token(i)}, {"patient_id", patient},
          {"kind", "deposit"}, {"amount", 2500}, {"send_email", true}, {"save_card", i == 0}});
  }
  sync::Replica replica(books, commands);
  PayTemplate t{{}, patient};
  for (const app::Op& op : replica.outbox(100)) t.ops.push_back(sync::op_to_json(op));
  return t;
}

// The template's operations in the clinic's log, made by `device`, with new tokens.
void add_payment_requests(server::Sql& d, const std::vector<Json>& templ, BenchDevice& device,
                          const std::string& now) {
  std::vector<std::string> tokens;
  for (int i = 0; i < kRequests; ++i) tokens.push_back(app::new_link_token());
  std::vector<Json> ops;
  for (Json op : templ) {
    std::string body = op["body"];
    for (int i = 0; i < kRequests; ++i) {
      if (std::size_t at = body.find(template_token(i)); at != std::string::npos) {
        body.replace(at, template_token(i).size(), tokens[i]);
      }
    }
    op["body"] = body;
    op["origin"] = device.device_id;
    op["series"] = device.series;
    ops.push_back(std::move(op));
  }
  const server::PushOutcome out = server::push_ops(d, device.clinic_id, device.device_id, 0, ops, now,
                                                   [&] { server::index_pay_links(d, device.clinic_id, ops, now); });
  device.pay_tokens = tokens;
  device.base = out.head;
}

// The clinic's Stripe account (Connect: each clinic paid into its own), made at the double and
// activated as Stripe does once onboarding is done, then kept as the server keeps it.
void connect_clinic(httplib::Client& bank, server::Sql& d, const std::string& clinic_id, std::int64_t now) {
  const httplib::Headers key = {{"Authorization", "Bearer sk_test_bench"}};
  httplib::Result made = bank.Post("/v1/accounts", key,
                                   "country=FR&controller[fees][payer]=account&controller[losses][payments]=stripe&"
                                   "controller[stripe_dashboard][type]=full&controller[requirement_collection]=stripe",
                                   "application/x-www-form-urlencoded");
  const std::string id = made && made->status == 200 ? Json::parse(made->body).value("id", "") : "";
  httplib::Result active = bank.Post("/_double/connect/accounts/" + id + "/update",
                                     Json{{"charges_enabled", true}, {"payouts_enabled", true},
                                          {"details_submitted", true}}.dump(),
                                     "application/json");
  if (id.empty() || !active || active->status != 200) throw std::runtime_error("the Stripe double made no account");
  server::keep_account(d, clinic_id, id, "FR", now);
  server::update_account(d, Json::parse(active->body), now);
}

std::vector<std::unique_ptr<BenchDevice>> make_clinics(server::SharedDatabase& db, int clinics,
                                                       const std::string& stripe) {
  const bool pay = !stripe.empty();
  httplib::Client bank(pay ? stripe : "http://127.0.0.1:1");
  std::vector<std::unique_ptr<BenchDevice>> devices;
  const std::int64_t now = server::system_now();
  const PayTemplate templ = pay ? payment_request_ops() : PayTemplate{};
  db.with([&](server::Sql& d) {
    d.transaction([&] {
      for (int c = 0; c < clinics; ++c) {
        const server::NewDevice first = server::create_clinic(d, "Cabinet " + std::to_string(c), now);
        for (int n = 0; n < 2; ++n) {
          const server::PairingCode code = server::create_pairing_code(d, first.clinic_id, now);
          const server::PairingResult paired = server::pair_device(d, code.code, "Poste " + std::to_string(n), now);
          auto device = std::make_unique<BenchDevice>();
          device->clinic_id = paired.device.clinic_id;
          device->device_id = paired.device.device_id;
          device->token = paired.device.device_token;
          device->series = paired.series;
          devices.push_back(std::move(device));
        }
        if (pay) {
          connect_clinic(bank, d, first.clinic_id, now);
          BenchDevice& requester = *devices[devices.size() - 2];
          add_payment_requests(d, templ.ops, requester, core::format_utc_instant(now));
          devices.back()->base = requester.base;
          requester.patient_id = devices.back()->patient_id = templ.patient_id;
        }
      }
    });
  });
  return devices;
}

class Worker {
 public:
  // Requests sent while `restoring` is set are timed under their route's name and « +restore ».
  Worker(const Options& o, std::vector<std::unique_ptr<BenchDevice>>& devices, Ledger& ledger, RouteTimes& times,
         unsigned seed, const std::atomic<bool>& restoring)
      : o_(o), devices_(devices), ledger_(ledger), times_(times), restoring_(restoring), rng_(seed),
        http_(o.url) {
    http_.set_connection_timeout(5);
    http_.set_read_timeout(30);
    http_.set_keep_alive(true);
    http_.set_tcp_nodelay(true);  // as browsers do
  }

  void run(Clock::time_point until) {
    std::vector<double> mine;
    while (Clock::now() < until) {
      BenchDevice& d = *devices_[std::uniform_int_distribution<std::size_t>(0, devices_.size() - 1)(rng_)];
      std::unique_lock<std::mutex> lock(d.mutex, std::try_to_lock);
      if (!lock.owns_lock()) continue;
      const int dice = std::uniform_int_distribution<int>(0, 99)(rng_);
      if (dice < 60) {
        push(d);
      } else if (dice < 90 || (o_.webhook_secret.empty() && o_.stripe.empty())) {
        pull(d);
      } else if (dice < 93 && !d.pay_tokens.empty()) {
        pay(d);
      } else if (dice < 95 && !d.patient_id.empty()) {
        charge(d);
      } else if (!o_.webhook_secret.empty()) {
        webhook();
      }
    }
  }
  std::int64_t pushed = 0;  // operations acknowledged

 private:
  httplib::Headers bearer(const BenchDevice& d) const { return {{"Authorization", "Bearer " + d.token}}; }

  // The request's time in `route`, or a failure when it had no answer or a 5xx.
  template <class Call>
  httplib::Result timed(const std::string& name, Call&& call) {
    const auto start = Clock::now();
    const std::string route = restoring_.load() ? name + " +restore" : name;
    httplib::Result r = call();
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::lock_guard<std::mutex> lock(times_.mutex);
    if (!r || r->status >= 500) {
      ++times_.failed[route];
    } else {
      times_.ms[route].push_back(ms);
    }
    return r;
  }

  void push(BenchDevice& d) {
    const Json ops = batch_of(d, core::format_utc_instant(server::system_now()));
    const std::string body = Json{{"protocol", sync::kSyncProtocol}, {"base", d.base}, {"ops", ops}}.dump();
    httplib::Result r = timed("push 10", [&] { return http_.Post("/api/sync/push", bearer(d), body, "application/json"); });
    if (!r) return;  // sent again next time, with the same ids: the log takes each once
    const Json answer = Json::parse(r->body, nullptr, false);
    if (r->status == 409 && answer.is_object()) {  // stale: another device wrote; catch up the base
      d.base = answer.value("head", d.base);
      return;
    }
    if (r->status != 200 || !answer.is_object()) return;
    d.base = answer.value("head", d.base);
    std::lock_guard<std::mutex> lock(ledger_.mutex);
    auto& log = ledger_.ops[d.clinic_id];
    for (const Json& a : answer["accepted"]) {
      log[a.value("id", "")] = a.value("seq", std::int64_t{0});
      ++pushed;
    }
    d.made += static_cast<std::int64_t>(answer["accepted"].size());
  }

  void pull(BenchDevice& d) {
    const std::string path = "/api/sync/pull?after=" + std::to_string(d.cursor) + "&limit=500";
    httplib::Result r = timed("pull", [&] { return http_.Get(path, bearer(d)); });
    if (!r || r->status != 200) return;
    const Json answer = Json::parse(r->body, nullptr, false);
    if (!answer.is_object() || !answer["ops"].is_array()) return;
    for (const Json& op : answer["ops"]) d.cursor = std::max(d.cursor, op.value("seq", d.cursor));
  }

  // A patient opens one of the clinic's payment pages; while it is payable, asks for an
  // intent and pays it at the bank (the double), as the page's Stripe.js does.
  void pay(BenchDevice& d) {
    const std::string token = d.pay_tokens[std::uniform_int_distribution<std::size_t>(0, d.pay_tokens.size() - 1)(rng_)];
    httplib::Result view = timed("pay view", [&] { return http_.Get("/api/pay/" + token); });
    if (!view || view->status != 200) return;
    if (Json::parse(view->body, nullptr, false).value("state", "") != "payable") return;
    // The first request's patient keeps her card: the clinic's devices charge it afterwards.
    const std::string choice = token == d.pay_tokens[0] ? R"({"save_card":true})" : "{}";
    httplib::Result intent =
        timed("pay intent", [&] { return http_.Post("/api/pay/" + token + "/intent", choice, "application/json"); });
    if (!intent || intent->status != 200) return;
    const std::string secret = Json::parse(intent->body, nullptr, false).value("client_secret", "");
    if (secret.empty()) return;
    httplib::Client bank(o_.stripe);
    bank.set_read_timeout(30);
    httplib::Result paid = bank.Post("/_double/pay", Json{{"client_secret", secret}, {"payment_method", "pm_card_visa"}}.dump(),
                                     "application/json");
    if (!paid || paid->status != 200) return;
    const Json answer = Json::parse(paid->body, nullptr, false);
    if (!answer.is_object() || answer.value("http_status", 0) != 200) return;
    const Json& pi = answer["intent"];
    if (!pi.is_object() || pi.value("status", "") != "succeeded") return;
    std::lock_guard<std::mutex> lock(ledger_.mutex);
    ledger_.paid[token] = pi.value("id", "");
  }

  // The practice charges the patient's saved card for an invoice, as the app's « Débiter la
  // carte » does: an answer lost (a server killed, the database restarting) is asked again
  // under the same command id, and the bank must still be charged once.
  void charge(BenchDevice& d) {
    const std::string command = app::new_command_id();
    const std::string body = Json{{"command_id", command}, {"role", "owner"}, {"patient_id", d.patient_id},
                                  {"invoice_id", "inv-" + command}, {"invoice_number", "F-BANC-" + command.substr(0, 8)},
                                  {"amount", 4000}, {"amount_due", 4000}, {"currency", "EUR"},
                                  {"paid_on", core::format_utc_instant(server::system_now()).substr(0, 10)},
                                  {"log_after", d.base}}
                                 .dump();
    for (int attempt = 0; attempt < 5; ++attempt) {
      httplib::Result r = timed("charge", [&] { return http_.Post("/api/charges", bearer(d), body, "application/json"); });
      if (r && r->status < 500) {
        const Json answer = Json::parse(r->body, nullptr, false);
        const bool ok = r->status == 200 && answer.is_object();
        const std::string outcome = ok ? answer.value("status", "")
                                       : answer.is_object() && answer["error"].is_object()
                                             ? answer["error"].value("code", "")
                                             : "";
        std::lock_guard<std::mutex> lock(ledger_.mutex);
        ++ledger_.charge_answers[std::to_string(r->status) + " " + outcome];
        if (ok && outcome == "succeeded") ledger_.charged[command] = answer.value("payment_intent_id", "");
        return;  // done, or refused (no card saved yet): nothing to ask again
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  void webhook() {
    const std::string id = "evt_bench_" + std::to_string(std::uniform_int_distribution<std::uint64_t>()(rng_));
    const std::string body =
        Json{{"id", id},
             {"type", "payment_intent.succeeded"},
             {"created", server::system_now()},
             {"data", {{"object", {{"id", "pi_bench_" + id.substr(10)}, {"object", "payment_intent"}, {"amount", 6000},
                                   {"currency", "eur"}, {"status", "succeeded"}}}}}}
            .dump();
    const std::string t = std::to_string(server::system_now());
    const httplib::Headers headers = {
        {"Stripe-Signature", "t=" + t + ",v1=" + server::stripe_signature_v1(t, body, o_.webhook_secret)}};
    // Stripe sends an event again until it gets a 2xx: so does this, a few times.
    for (int attempt = 0; attempt < 5; ++attempt) {
      httplib::Result r = timed("webhook", [&] { return http_.Post("/api/stripe/webhook", headers, body, "application/json"); });
      if (r && r->status == 200) {
        std::lock_guard<std::mutex> lock(ledger_.mutex);
        ledger_.events.push_back(id);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  const Options& o_;
  std::vector<std::unique_ptr<BenchDevice>>& devices_;
  Ledger& ledger_;
  RouteTimes& times_;
  const std::atomic<bool>& restoring_;
  std::mt19937_64 rng_;
  httplib::Client http_;
};

// Every payment the bank took (the double's intent succeeded) is recorded once: one succeeded
// charge of its request, and its event in the clinic's log. Waits first for the double's
// webhooks, sending again those it gave up on (Stripe retries for days).
int check_payments(const Options& o, server::SharedDatabase& db, const Ledger& ledger) {
  httplib::Client bank(o.stripe);
  const auto start = Clock::now();
  int pending = 0;
  do {  // the double delivers one event at a time, as an endpoint sees Stripe's
    if (pending > 0) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    httplib::Result stats = bank.Get("/_double/stats");
    const Json s = stats && stats->status == 200 ? Json::parse(stats->body, nullptr, false) : Json();
    pending = 0;
    for (const char* endpoint : {"webhooks", "connect_webhooks"}) {  // the platform's, the accounts'
      for (const Json& w : s.is_object() && s[endpoint].is_array() ? s[endpoint] : Json::array()) {
        const std::string status = w.value("status", "");
        if (status == "pending") ++pending;
        if (status == "failed") {
          bank.Post("/_double/redeliver", Json{{"event_id", w.value("event_id", "")}}.dump(), "application/json");
          ++pending;
        }
      }
    }
  } while (pending > 0 && Clock::now() - start < std::chrono::minutes(10));
  std::printf("check: the double's webhooks delivered %.0f s after the run (%d still pending)\n",
              std::chrono::duration<double>(Clock::now() - start).count(), pending);
  std::int64_t missing = 0, doubled = 0;
  db.with([&](server::Sql& d) {
    for (const auto& [token, pi] : ledger.paid) {
      server::SqlStatement c = d.prepare(
          "SELECT clinic_id, request_id, (SELECT COUNT(*) FROM charges o WHERE o.clinic_id = c.clinic_id AND "
          "o.request_id = c.request_id AND o.status = 'succeeded') FROM charges c WHERE payment_intent_id = ? "
          "AND status = 'succeeded'");
      c.bind(1, pi);
      if (!c.step()) {
        ++missing;
        continue;
      }
      if (c.column_int64(2) != 1) ++doubled;
      const std::optional<server::ServerEvent> event = server::find_event(d, c.column_text(0), "payment_succeeded:" + pi);
      if (!event || server::op_seq(d, c.column_text(0), server::fact_op_id(c.column_text(0), event->seq)) == 0) {
        ++missing;
      }
    }
  });
  std::printf("check: %zu payments taken by the bank: %lld not recorded as one succeeded charge in the log, %lld "
              "requests charged twice\n",
              ledger.paid.size(), static_cast<long long>(missing), static_cast<long long>(doubled));

  // Saved cards charged by the devices: each command's charge recorded once, its event in the log.
  std::int64_t charges_missing = 0;
  db.with([&](server::Sql& d) {
    for (const auto& [command, pi] : ledger.charged) {
      server::SqlStatement c =
          d.prepare("SELECT clinic_id FROM charges WHERE command_id = ? AND payment_intent_id = ? AND status = 'succeeded'");
      c.bind(1, command).bind(2, pi);
      const std::string clinic = c.step() ? c.column_text(0) : "";
      const std::optional<server::ServerEvent> event =
          clinic.empty() ? std::nullopt : server::find_event(d, clinic, "payment_succeeded:" + pi);
      if (!event || server::op_seq(d, clinic, server::fact_op_id(clinic, event->seq)) == 0) ++charges_missing;
    }
  });
  // At the bank: each clinic's account holds as many succeeded payments as the server recorded,
  // so no retry made a second charge the server does not know of.
  std::int64_t accounts = 0, accounts_differ = 0;
  httplib::Result stats = bank.Get("/_double/stats");
  const Json by_scope = stats && stats->status == 200 ? Json::parse(stats->body, nullptr, false)["by_scope"] : Json();
  db.with([&](server::Sql& d) {
    server::SqlStatement a = d.prepare(
        "SELECT a.account_id, (SELECT COUNT(*) FROM charges c WHERE c.clinic_id = a.clinic_id AND c.status = "
        "'succeeded') FROM stripe_accounts a");
    while (a.step()) {
      ++accounts;
      const Json& at_bank = by_scope.is_object() ? by_scope[a.column_text(0)] : Json();
      if (!at_bank.is_object() || at_bank.value("payment_intents_succeeded", -1) != a.column_int64(1)) ++accounts_differ;
    }
  });
  std::string answers;
  for (const auto& [answer, n] : ledger.charge_answers) answers += (answers.empty() ? "" : ", ") + answer + " ×" + std::to_string(n);
  std::printf("charges asked by devices, by their last answer: %s\n", answers.empty() ? "none" : answers.c_str());
  std::printf("check: %zu saved cards charged by devices: %lld not recorded once in the log; %lld clinics' accounts at "
              "the bank: %lld with another number of payments than the server recorded\n",
              ledger.charged.size(), static_cast<long long>(charges_missing), static_cast<long long>(accounts),
              static_cast<long long>(accounts_differ));
  return missing + doubled + charges_missing + accounts_differ == 0 ? 0 : 1;
}

// No payment link emailed twice: waits until no request email is due any more, then reads
// every message the SMTP sink received (its N.json) for the link it carries.
int check_emails(const Options& o, server::SharedDatabase& db) {
  const auto count = [&](const char* sql) { return db.with([&](server::Sql& d) { return d.scalar(sql); }); };
  // Due now and not claimed yet: what the mail lock's holder sends at its next pass.
  for (int round = 0; round < 60 && count("SELECT COUNT(*) FROM mail_outbox WHERE state = 'scheduled' AND attempts = 0") > 0;
       ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  // The sink writes a message's files as it answers « 250 »: read until it holds at least
  // what the outbox says was sent, or 10 s.
  std::map<std::string, int> links;
  std::size_t messages = 0;
  const std::int64_t sent = count("SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent'");
  for (int round = 0; round < 20; ++round) {
    links.clear();
    messages = 0;
    for (const auto& entry : std::filesystem::directory_iterator(o.mail_dir)) {
      if (entry.path().extension() != ".json") continue;
      std::ifstream in(entry.path());
      const Json message = Json::parse(in, nullptr, false);
      const std::string text = message.is_object() ? message.value("text", "") : "";
      ++messages;
      if (std::size_t at = text.find("/pay/"); at != std::string::npos) ++links[text.substr(at + 5, 43)];
    }
    if (static_cast<std::int64_t>(messages) >= sent) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  int twice = 0;
  for (const auto& [link, n] : links) twice += n > 1;
  std::printf("check: %zu emails received by the SMTP server, %zu payment links among them: %d sent more than once\n",
              messages, links.size(), twice);
  std::printf("check: outbox: %lld sent, %lld failed, %lld being sent or cut by a kill (given up after their lease, "
              "never sent twice), %lld waiting, %lld cancelled (the request paid first)\n",
              static_cast<long long>(count("SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent'")),
              static_cast<long long>(count("SELECT COUNT(*) FROM mail_outbox WHERE state = 'failed'")),
              static_cast<long long>(count("SELECT COUNT(*) FROM mail_outbox WHERE state = 'sending'")),
              static_cast<long long>(count("SELECT COUNT(*) FROM mail_outbox WHERE state = 'scheduled'")),
              static_cast<long long>(count("SELECT COUNT(*) FROM mail_outbox WHERE state = 'cancelled'")));
  return twice == 0 ? 0 : 1;
}

// A new device of `clinic_id`, paired in the database as the pairing page would.
std::string pair_new_device(server::SharedDatabase& db, const std::string& clinic_id, const std::string& name) {
  return db.with([&](server::Sql& d) {
    const std::int64_t now = server::system_now();
    const server::PairingCode code = server::create_pairing_code(d, clinic_id, now);
    return server::pair_device(d, code.code, name, now).device.device_token;
  });
}

// Downloads the clinic's books as a restoring device does, into `file` (or nowhere: "");
// returns the bytes received, or -1 when the answer was not a 200 with the whole file.
std::int64_t download_books(httplib::Client& http, const std::string& token, const std::string& file) {
  std::FILE* out = file.empty() ? nullptr : std::fopen(file.c_str(), "wb");
  std::int64_t bytes = 0;
  httplib::Result r = http.Get("/api/sync/snapshot", {{"Authorization", "Bearer " + token}},
                               [&](const char* data, std::size_t length) {
                                 bytes += static_cast<std::int64_t>(length);
                                 return !out || std::fwrite(data, 1, length, out) == length;
                               });
  if (out) std::fclose(out);
  if (!r || r->status != 200) return -1;
  return bytes;
}

// The large practice restored by a new device, again and again until `until`, each restore
// followed by as long without one: the other clinics' requests are timed apart by whether a
// restore was under way when they were sent (`restoring`), in windows that alternate through
// the whole run, so that drift in the load (the mail, caches warming) weighs on both alike.
struct RestoreLoad {
  std::vector<double> seconds;
  std::int64_t bytes = 0, failed = 0;

  void run(const Options& o, const std::string& token, Clock::time_point until, std::atomic<bool>& restoring) {
    httplib::Client http(o.url);
    http.set_read_timeout(120);
    while (Clock::now() < until) {
      const auto start = Clock::now();
      restoring = true;
      const std::int64_t got = download_books(http, token, "");
      restoring = false;
      const auto took = Clock::now() - start;
      if (got < 0) {
        ++failed;
      } else {
        bytes = got;
        seconds.push_back(std::chrono::duration<double>(took).count());
      }
      std::this_thread::sleep_for(std::max<Clock::duration>(took, std::chrono::milliseconds(500)));
    }
  }
};

// A fresh device restores `sample` clinics' books through the balancer: each file must hold
// exactly its clinic's log, every operation once at its position (what the device replays
// from). Returns the number of clinics whose books differ or could not be restored.
int check_restores(const Options& o, server::SharedDatabase& db,
                   const std::vector<std::unique_ptr<BenchDevice>>& devices) {
  httplib::Client http(o.url);
  http.set_read_timeout(120);
  std::filesystem::create_directories(o.data);
  const std::string file = o.data + "/restored.db";
  int checked = 0, differ = 0;
  // Devices come two per clinic: every `stride`-th clinic, across the whole run.
  const std::size_t clinics = devices.size() / 2;
  const std::size_t stride = std::max<std::size_t>(1, clinics / static_cast<std::size_t>(o.check_restores));
  for (std::size_t c = 0; c < clinics && checked < o.check_restores; c += stride) {
    const std::string& clinic = devices[2 * c]->clinic_id;
    ++checked;
    if (download_books(http, pair_new_device(db, clinic, "Restauration"), file) < 0) {
      std::printf("check: clinic %s: its books could not be restored\n", clinic.c_str());
      ++differ;
      continue;
    }
    std::map<std::string, std::int64_t> log, books;
    db.with([&](server::Sql& d) {
      server::SqlStatement s = d.prepare("SELECT op_id, seq FROM sync_ops WHERE clinic_id = ?");
      s.bind(1, clinic);
      while (s.step()) log[s.column_text(0)] = s.column_int64(1);
    });
    store::Database restored = store::Database::open(file);
    auto s = restored.prepare("SELECT command_id, server_seq FROM journal WHERE server_seq IS NOT NULL");
    while (s.step()) books[s.column_text(0)] = s.column_int64(1);
    if (books != log) {
      std::printf("check: clinic %s: its books hold %zu operations, its log %zu\n", clinic.c_str(), books.size(),
                  log.size());
      ++differ;
    }
  }
  std::printf("check: %d clinics' books restored by a new device: %d differ from their log\n", checked, differ);
  return differ;
}

// The checks: 0 when the database holds exactly what was acknowledged.
int check(server::SharedDatabase& db, const Ledger& ledger) {
  std::int64_t missing = 0, moved = 0, gaps = 0, events_missing = 0, events_doubled = 0;
  db.with([&](server::Sql& d) {
    for (const auto& [clinic, ops] : ledger.ops) {
      server::SqlStatement s = d.prepare("SELECT seq FROM sync_ops WHERE clinic_id = ? AND op_id = ?");
      for (const auto& [id, seq] : ops) {
        s.reset();
        s.bind(1, clinic).bind(2, id);
        if (!s.step()) {
          ++missing;
        } else if (s.column_int64(0) != seq) {
          ++moved;
        }
      }
      server::SqlStatement g = d.prepare("SELECT COUNT(*), COALESCE(MAX(seq), 0), COUNT(DISTINCT op_id) FROM sync_ops WHERE clinic_id = ?");
      g.bind(1, clinic);
      g.step();
      if (g.column_int64(0) != g.column_int64(1) || g.column_int64(0) != g.column_int64(2)) ++gaps;
    }
    server::SqlStatement e = d.prepare("SELECT COUNT(*), COALESCE(MIN(applied), 0) FROM stripe_events WHERE id = ?");
    for (const std::string& id : ledger.events) {
      e.reset();
      e.bind(1, id);
      e.step();
      if (e.column_int64(0) == 0 || e.column_int64(1) != 1) ++events_missing;
      if (e.column_int64(0) > 1) ++events_doubled;
    }
  });
  std::size_t acknowledged = 0;
  for (const auto& [clinic, ops] : ledger.ops) acknowledged += ops.size();
  std::printf("check: %zu acknowledged operations: %lld missing, %lld at another position; %lld logs with a gap or a "
              "double\n",
              acknowledged, static_cast<long long>(missing), static_cast<long long>(moved), static_cast<long long>(gaps));
  std::printf("check: %zu acknowledged webhook events: %lld not recorded as applied, %lld recorded twice\n",
              ledger.events.size(), static_cast<long long>(events_missing), static_cast<long long>(events_doubled));
  return missing + moved + gaps + events_missing + events_doubled == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i], value = argv[i + 1];
    if (arg == "--url") {
      o.url = value;
    } else if (arg == "--data") {
      o.data = value;
    } else if (arg == "--database-url") {
      o.database_url = value;
    } else if (arg == "--clinics") {
      o.clinics = std::max(1, std::atoi(value.c_str()));
    } else if (arg == "--seconds") {
      o.seconds = std::max(1, std::atoi(value.c_str()));
    } else if (arg == "--threads") {
      o.threads = std::max(1, std::atoi(value.c_str()));
    } else if (arg == "--webhook-secret") {
      o.webhook_secret = value;
    } else if (arg == "--label") {
      o.label = value;
    } else if (arg == "--restore-clinic") {
      o.restore_clinic = value;
    } else if (arg == "--mail-dir") {
      o.mail_dir = value;
    } else if (arg == "--stripe") {
      o.stripe = value;
    } else if (arg == "--warm") {
      o.warm = value;
    } else if (arg == "--check-restores") {
      o.check_restores = std::max(0, std::atoi(value.c_str()));
    } else {
      std::cerr << "quittance-hosted-bench: unknown argument " << arg << '\n';
      return 2;
    }
  }
  if (o.url.empty() || o.data.empty()) {
    std::cerr << "usage: quittance-hosted-bench --url URL --data DIR [--database-url URL] [--clinics N] [--seconds S] "
                 "[--threads T] [--webhook-secret whsec_…] [--label TEXT] [--restore-clinic ID [--warm URL,URL…]] [--check-restores N] [--stripe URL [--mail-dir DIR]]\n";
    return 2;
  }
  try {
    server::SharedDatabase db(server::open_server_database(o.data, o.database_url), o.database_url);
    auto start = Clock::now();
    std::vector<std::unique_ptr<BenchDevice>> devices = make_clinics(db, o.clinics, o.stripe);
    std::printf("[%s] %d clinics, %zu devices made in %.1f s\n", o.label.c_str(), o.clinics, devices.size(),
                std::chrono::duration<double>(Clock::now() - start).count());

    if (!o.restore_clinic.empty()) {
      const std::string token = pair_new_device(db, o.restore_clinic, "Restauration");
      for (std::size_t from = 0; from < o.warm.size();) {
        const std::size_t comma = std::min(o.warm.find(',', from), o.warm.size());
        const std::string url = o.warm.substr(from, comma - from);
        from = comma + 1;
        httplib::Client http(url);
        http.set_read_timeout(600);
        const auto t0 = Clock::now();
        const std::int64_t bytes = download_books(http, token, "");
        std::printf("[%s] first restore of the large practice from %s: %.1f s, %.0f MB%s\n", o.label.c_str(),
                    url.c_str(), std::chrono::duration<double>(Clock::now() - t0).count(),
                    static_cast<double>(bytes) / 1e6, bytes < 0 ? " (FAILED)" : "");
        if (bytes < 0) return 1;
      }
    }
    Ledger ledger;
    RouteTimes times;
    std::vector<std::unique_ptr<Worker>> workers;
    start = Clock::now();
    const auto until = start + std::chrono::seconds(o.seconds);
    std::atomic<bool> restoring{false};
    for (int t = 0; t < o.threads; ++t) {
      workers.push_back(std::make_unique<Worker>(o, devices, ledger, times, 1000 + t, restoring));
    }
    std::vector<std::thread> threads;
    for (auto& w : workers) threads.emplace_back([&w, until] { w->run(until); });
    RestoreLoad restores;
    if (!o.restore_clinic.empty()) {
      threads.emplace_back([&o, &restores, &restoring, until,
                            token = pair_new_device(db, o.restore_clinic, "Restauration")] {
        restores.run(o, token, until, restoring);
      });
    }
    for (auto& t : threads) t.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::int64_t pushed = 0;
    for (auto& w : workers) pushed += w->pushed;
    std::printf("[%s] %d threads for %.0f s: %lld operations pushed and acknowledged, %.0f ops/s\n", o.label.c_str(),
                o.threads, elapsed, static_cast<long long>(pushed), static_cast<double>(pushed) / elapsed);
    std::printf("[%s] %-10s %8s %8s %8s %8s %8s\n", o.label.c_str(), "route", "answered", "failed", "p50 ms", "p95 ms",
                "p99 ms");
    for (const auto& [route, ms] : times.ms) {
      std::printf("[%s] %-10s %8zu %8lld %8.1f %8.1f %8.1f\n", o.label.c_str(), route.c_str(), ms.size(),
                  static_cast<long long>(times.failed[route]), percentile(ms, 0.50), percentile(ms, 0.95),
                  percentile(ms, 0.99));
    }
    if (!o.restore_clinic.empty()) {
      std::printf("[%s] the large practice (%.0f MB) restored %zu times, each followed by as long without (%lld failed): "
                  "p50 %.1f s, max %.1f s\n",
                  o.label.c_str(), static_cast<double>(restores.bytes) / 1e6, restores.seconds.size(),
                  static_cast<long long>(restores.failed), percentile(restores.seconds, 0.5),
                  percentile(restores.seconds, 1.0));
      const double before = percentile(times.ms["push 10"], 0.95), during = percentile(times.ms["push 10 +restore"], 0.95);
      std::printf("[%s] push 10 p95 without a restore %.1f ms, during restores %.1f ms (%+.0f %%)\n", o.label.c_str(),
                  before, during, before > 0 ? 100.0 * (during - before) / before : 0.0);
    }
    // A connection of its own: the one above may have been cut by the PostgreSQL restart.
    server::SharedDatabase checking(server::open_server_database(o.data, o.database_url), o.database_url);
    const int logs = check(checking, ledger);
    const int payments = o.stripe.empty() ? 0 : check_payments(o, checking, ledger);
    const int emails = o.mail_dir.empty() ? 0 : check_emails(o, checking);
    const int books = o.check_restores > 0 ? check_restores(o, checking, devices) : 0;
    return logs + payments + emails + books == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "quittance-hosted-bench: " << e.what() << '\n';
    return 1;
  }
}
