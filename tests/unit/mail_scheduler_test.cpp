// The server's billing emails and reminders (mail/scheduler.h) driven by its injectable clock:
// a clinic's device writes its books and syncs them; the scheduler plans, cancels and sends
// through a recording sender. Two months of schedules across a server restart; interrupted
// sends; cancellation and retry asked from a device; temporary failures and the daily cap;
// the « Demande de paiement » email of payment requests (mail/request_mail.h).
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>

#include "app/commands.h"
#include "core/schedule.h"
#include "server/devices/devices.h"
#include "server/mail/request_mail.h"
#include "server/mail/scheduler.h"
#include "server/sync/op_log.h"
#include "server/sync/server_events.h"
#include "server_fixture.h"
#include "smtp_sink_process.h"
#include "store/migrations.h"
#include "sync/replica.h"

using namespace quittance;
using namespace quittance::server;
using namespace quittance::server::testing;
using app::Json;

namespace {

std::int64_t at(const char* instant) { return *core::parse_utc_instant(instant); }

struct RecordingSender : MailSender {
  std::vector<MailMessage> sent;
  std::vector<SendResult> script;  // answers to give first, in order; then "sent"
  SendResult send(const MailMessage& m) override {
    if (!script.empty()) {
      SendResult r = script.front();
      script.erase(script.begin());
      if (!r.sent()) return r;
    }
    sent.push_back(m);
    return {SendResult::Outcome::sent, ""};
  }
  int count_to(const std::string& subject_part) const {
    int n = 0;
    for (const MailMessage& m : sent) n += m.subject.find(subject_part) != std::string::npos;
    return n;
  }
};

// The server's side, which can be stopped and started again on the same data folder.
struct ServerSide {
  std::unique_ptr<SharedDatabase> db;
  std::unique_ptr<SnapshotStore> books;
  std::unique_ptr<MailScheduler> mail;
};

struct Clinic {
  quittance::server::testing::TempDir dir;
  const std::string database_url = quittance::server::testing::fresh_database_url();  // kept across restarts
  std::int64_t now = at("2026-01-31T10:00:00Z");
  std::shared_ptr<RecordingSender> sender = std::make_shared<RecordingSender>();
  std::shared_ptr<MailSender> transport = sender;  // a test may put a real SmtpSender here
  MailSchedulerOptions options;
  ServerSide server;
  std::string clinic_id;
  // The clinic's one device, its clock the test's.
  store::Database device_db = store::Database::open(":memory:");
  app::Clock device_clock{[this] { return core::format_utc_instant(now); },
                          [this] { return core::civil_from_days(now / 86400); }};
  app::CommandLayer device{device_db, device_clock};
  sync::Replica replica{device_db, device};
  int ids = 0;

  Clinic() {
    start();
    clinic_id = server.db->with([&](Sql& d) { return create_clinic(d, "Cabinet", now).clinic_id; });
    store::migrate(device_db, store::clinic_migrations());
    exec({{"cmd", "settings.set"}, {"key", "device.series"}, {"value", "A"}});
    device.set_origin("dev-a", "A");
    exec({{"cmd", "settings.set"}, {"key", "practice.name"}, {"value", "Cabinet Ébène"}});
  }
  void start() {
    server.db = open_test_database(dir.path.string(), database_url);
    server.books = std::make_unique<SnapshotStore>((dir.path / "snapshots").string());
    server.mail = std::make_unique<MailScheduler>(*server.db, *server.books, transport, [this] { return now; }, options);
  }
  void stop() {
    server.mail.reset();
    server.books.reset();
    server.db.reset();
  }
  Json exec(Json cmd) {
    cmd["id"] = "c" + std::to_string(++ids);
    Json answer = device.exec(cmd);
    REQUIRE_MESSAGE(answer["ok"] == true, answer.dump());
    return answer["result"];
  }
  // The device's exchange with the server, as sync::SyncClient does it: the log pulled (the
  // facts the server wrote into it among the rest: emails' states, card payments) and
  // applied, then the device's operations pushed.
  void sync() {
    pull();
    push();
  }
  void pull() {
    PullPage page = server.db->with([&](Sql& d) { return pull_ops(d, clinic_id, replica.cursor(), 1000); });
    std::vector<app::Op> ops;
    for (const Json& j : page.ops) {
      app::Op op;
      std::string field;
      REQUIRE_MESSAGE(sync::op_from_json(j, &op, &field), field);
      ops.push_back(op);
    }
    replica.apply_pulled(ops);
  }
  void push() {
    for (int round = 0; round < 3; ++round) {
      std::vector<Json> batch;
      for (const app::Op& op : replica.outbox(1000)) batch.push_back(sync::op_to_json(op));
      if (batch.empty()) return;
      PushOutcome pushed = server.db->with([&](Sql& d) {
        return push_ops(d, clinic_id, "dev-a", replica.cursor(), batch, core::format_utc_instant(now));
      });
      if (pushed.stale) {  // the server wrote a fact meanwhile
        pull();
        continue;
      }
      replica.accepted(pushed.accepted, replica.cursor());
      return;
    }
    FAIL("the log kept moving");
  }
  MailPass run() { return server.mail->run_once(); }
  std::string patient(const char* name, const char* email, bool reminders = true) {
    return exec({{"cmd", "patient.create"}, {"name", name}, {"email", email}, {"reminders", reminders}})["patient_id"];
  }
  std::string invoice(const std::string& patient_id, std::int64_t price) {
    const std::string id = exec({{"cmd", "invoice.create"},
                                 {"patient_id", patient_id},
                                 {"lines", {{{"label", "Séance de kinésithérapie"}, {"unit_price", price}}}}})["invoice_id"];
    exec({{"cmd", "invoice.issue"}, {"invoice_id", id}});
    return id;
  }
  std::string number(const std::string& invoice_id) {
    return device.query({{"cmd", "invoice.get"}, {"invoice_id", invoice_id}})["result"]["number"];
  }
  // A cash payment put against one invoice; returns its id.
  std::string pay(const std::string& patient_id, const std::string& invoice_id, std::int64_t amount) {
    return exec({{"cmd", "payment.create"}, {"patient_id", patient_id}, {"payment_type_id", "cash"}, {"amount", amount},
                 {"allocations", {{{"invoice_id", invoice_id}, {"amount", amount}}}}})["payment_id"];
  }
  void activate(const char* template_id) {
    exec({{"cmd", "template.set_active"}, {"template_id", template_id}, {"active", true}});
  }
  Json message(const std::string& template_id, const std::string& invoice_id) {
    const Json list = device.query({{"cmd", "message.list"}, {"limit", 500}})["result"]["items"];
    for (const Json& m : list) {
      if (m["message_id"] == template_id + ":" + invoice_id) return m;
    }
    return nullptr;
  }
  int sent_for(const std::string& invoice_id) {
    int n = 0;
    for (const MailMessage& m : sender->sent) n += m.subject.find(number(invoice_id)) != std::string::npos;
    return n;
  }
  // A payment request made on the device (payment_request.create), with a token of its own.
  struct Request {
    std::string id, token;
  };
  Request request(Json args) {
    std::string token = "tok-" + std::to_string(ids + 1) + "-";
    token.resize(43, 'x');
    args["cmd"] = "payment_request.create";
    args["token"] = token;
    const Json made = exec(args);
    return {made["request_id"], token};
  }
  // A deposit asked by email.
  Request deposit(const std::string& patient_id, std::int64_t amount) {
    return request({{"patient_id", patient_id}, {"kind", "deposit"}, {"amount", amount}, {"send_email", true}});
  }
  Json request_message(const Request& r) { return message("system-payment-request", r.id); }
  // The server started again with these options (QUITTANCE_PUBLIC_URL, the daily cap).
  void restart_with(const char* public_url, std::int64_t daily_cap = 200) {
    options.public_url = public_url;
    options.daily_cap = daily_cap;
    stop();
    start();
  }
  // A card payment of a request that Stripe's webhook recorded on the server, which no device
  // has brought into the books yet.
  void charge_request(const std::string& request_id, const std::string& patient_id, std::int64_t amount,
                      const char* status = "succeeded") {
    server.db->with([&](Sql& d) {
      d.prepare("INSERT INTO charges(clinic_id, command_id, payment_intent_id, invoice_id, patient_id, amount, currency, "
                "paid_on, status, created_at, updated_at, request_id) VALUES (?1, '', ?2, '', ?3, ?4, 'eur', "
                "'2026-01-31', ?5, 'now', 'now', ?6)")
          .bind(1, clinic_id)
          .bind(2, "pi_" + request_id)
          .bind(3, patient_id)
          .bind(4, amount)
          .bind(5, status)
          .bind(6, request_id)
          .step();
    });
  }
  // The same payment as the server event the devices pull (payment.succeeded), which records it
  // in the books and marks the request paid.
  void pay_request_event(const std::string& request_id, const std::string& patient_id, std::int64_t amount) {
    server.db->with([&](Sql& d) {
      emit_event(d, clinic_id, "paid:" + request_id, "payment.succeeded",
                 {{"patient_id", patient_id}, {"payment_intent_id", "pi_event_" + request_id},
                  {"request_id", request_id}, {"invoice_id", ""}, {"amount", amount}, {"surcharge", 0}, {"fee", 0},
                  {"paid_on", "2026-01-31"}},
                 now);
    });
  }
};

}  // namespace

TEST_CASE("two months of invoice emails and reminders, across a server restart: each once, when due, only if unpaid") {
  Clinic c;
  c.activate("system-invoice");       // at issue
  c.activate("system-reminder-7d");   // 7 days
  c.activate("system-reminder-1m");   // 1 calendar month
  c.exec({{"cmd", "template.save"}, {"name", "Relance à 48 h"}, {"subject", "48 h : {{numero_facture}}"},
          {"body", "Reste {{reste_du}}"}, {"delay_amount", 48}, {"delay_unit", "hours"}, {"active", true}});
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const std::string paul = c.patient("Paul Martin", "paul@example.fr", false);  // no reminders
  const std::string lea = c.patient("Léa Moreau", "");                           // no address
  const std::string unpaid = c.invoice(zoe, 6000);
  const std::string excluded = c.invoice(paul, 5000);
  const std::string paid_here = c.invoice(zoe, 4500);
  const std::string paid_online = c.invoice(zoe, 3000);
  const std::string no_address = c.invoice(lea, 2500);
  // A card payment the server took (a webhook) that no device has brought into the books yet.
  c.server.db->with([&](Sql& d) {
    d.exec("INSERT INTO charges(clinic_id, command_id, payment_intent_id, invoice_id, patient_id, amount, currency, "
           "paid_on, status, created_at, updated_at) VALUES ('" + c.clinic_id + "', 'x', 'pi_online', '" + paid_online +
           "', '" + zoe + "', 3000, 'eur', '2026-01-31', 'succeeded', 'now', 'now')");
  });
  c.sync();

  // At issue: every invoice is sent (the invoice email is not a reminder), but not without an address.
  MailPass pass = c.run();
  CHECK(pass.sent == 4);
  CHECK(pass.failed == 1);
  for (const std::string& inv : {unpaid, excluded, paid_here, paid_online}) CHECK(c.sent_for(inv) == 1);
  for (const MailMessage& m : c.sender->sent) {
    CHECK(m.to_address == (m.subject.find(c.number(excluded)) != std::string::npos ? "paul@example.fr" : "zoe@example.fr"));
    CHECK(m.from_name == "Cabinet Ébène");
    CHECK(m.attachments.size() == 1);
  }
  c.sync();
  Json failed = c.message("system-invoice", no_address);
  REQUIRE(failed.is_object());
  CHECK(failed["state"] == "failed");
  CHECK(failed["error"].get<std::string>().find("Pas d'adresse e-mail") != std::string::npos);
  CHECK(c.message("system-reminder-7d", unpaid)["state"] == "scheduled");

  // Day 1: the practice takes a cash payment for one invoice.
  c.now = at("2026-02-01T09:00:00Z");
  c.pay(zoe, paid_here, 4500);
  c.sync();
  c.run();
  c.sync();
  CHECK(c.message("system-reminder-7d", paid_here)["state"] == "cancelled");
  CHECK(c.message("system-reminder-7d", paid_here)["error"] == "facture réglée");
  // Never planned: paid online before any reminder was due, and a patient excluded from them.
  CHECK(c.message("system-reminder-7d", paid_online).is_null());
  CHECK(c.message("system-reminder-7d", excluded).is_null());
  CHECK(c.message("system-invoice", excluded)["state"] == "sent");

  // 47 h: nothing yet; 48 h: the 48-hour reminder, for the unpaid invoice only.
  const std::size_t before = c.sender->sent.size();
  c.now = at("2026-02-02T09:59:59Z");
  CHECK(c.run().sent == 0);
  c.now = at("2026-02-02T10:00:00Z");
  CHECK(c.run().sent == 1);
  CHECK(c.sender->sent.size() == before + 1);
  CHECK(c.sender->sent.back().subject == "48 h : " + c.number(unpaid));
  CHECK(c.sender->sent.back().text == "Reste 60,00\u00a0€");

  // The server is down from day 3 to day 10: the 7-day reminder, missed, goes out once on restart.
  c.now = at("2026-02-03T10:00:00Z");
  c.run();
  c.stop();
  c.now = at("2026-02-10T08:00:00Z");
  c.start();
  CHECK(c.server.mail->recover() == 0);
  CHECK(c.run().sent == 1);
  CHECK(c.run().sent == 0);
  CHECK(c.sender->sent.back().subject == "Rappel : facture " + c.number(unpaid) + " en attente de règlement");

  // One calendar month after 31 January is 28 February, same time.
  c.now = at("2026-02-28T09:59:00Z");
  CHECK(c.run().sent == 0);
  c.now = at("2026-02-28T10:00:00Z");
  CHECK(c.run().sent == 1);
  CHECK(c.sender->sent.back().subject == "Deuxième rappel : facture " + c.number(unpaid));
  c.now = at("2026-03-31T10:00:00Z");
  CHECK(c.run().sent == 0);

  // Each message once: 4 at issue, then 48 h, 7 days and 1 month for the unpaid invoice alone.
  CHECK(c.sender->sent.size() == 7);
  CHECK(c.sent_for(unpaid) == 4);
  CHECK(c.sent_for(excluded) == 1);
  CHECK(c.sent_for(paid_here) == 1);
  CHECK(c.sent_for(paid_online) == 1);
  c.sync();
  CHECK(c.message("system-reminder-1m", unpaid)["state"] == "sent");
  CHECK(c.message("system-reminder-1m", unpaid)["sent_at"] == "2026-02-28T10:00:00Z");
}

TEST_CASE("a template concerns invoices issued after it was activated, never the history before") {
  Clinic c;
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const std::string old_invoice = c.invoice(zoe, 6000);
  c.now += 3600;
  c.activate("system-reminder-7d");
  const std::string new_invoice = c.invoice(zoe, 6000);
  c.sync();
  c.now += 8 * 86400;
  CHECK(c.run().sent == 1);
  CHECK(c.sent_for(new_invoice) == 1);
  CHECK(c.sent_for(old_invoice) == 0);
}

TEST_CASE("two server processes' schedulers on one database: each email sent once, by the one holding the mail lock") {
  Clinic c;
  c.activate("system-invoice");
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  c.invoice(zoe, 6000);
  c.sync();
  // A second process: its own books cache and scheduler, the same database.
  SnapshotStore other_books((c.dir.path / "other-books").string());
  auto other_sender = std::make_shared<RecordingSender>();
  auto other = std::make_unique<MailScheduler>(*c.server.db, other_books, other_sender, [&c] { return c.now; }, c.options);
  const MailPass a = c.run();
  const MailPass b = other->run_once();
  CHECK(a.sent + b.sent == 1);
  CHECK(c.sender->sent.size() + other_sender->sent.size() == 1);
  if (on_postgres()) {
    CHECK(b.planned == 0);  // the first holds the lock: the second reads no clinic at all
    // The first process stops: the second takes over at its next pass and sends what comes.
    c.server.mail.reset();
    const std::string second = c.invoice(zoe, 4500);
    c.sync();
    CHECK(other->run_once().sent == 1);
    CHECK(other_sender->sent.size() == 1);
    CHECK(c.sent_for(second) == 0);  // counted on the first process's sender only
  }
}

TEST_CASE("a send interrupted by a stop is reported failed, not sent again, until a person retries it") {
  Clinic c;
  c.activate("system-invoice");
  const std::string inv = c.invoice(c.patient("Zoé Lefèvre", "zoe@example.fr"), 6000);
  c.sync();
  c.options.batch = 0;  // plan only
  c.stop();
  c.start();
  c.run();
  // As if the server had stopped in the middle of the SMTP conversation.
  c.server.db->with([&](Sql& d) { d.exec("UPDATE mail_outbox SET state = 'sending', sent_at = 1"); });
  c.options.batch = 50;
  c.stop();
  c.start();
  CHECK(c.server.mail->recover() == 1);
  CHECK(c.run().sent == 0);
  CHECK(c.sender->sent.empty());
  c.sync();
  Json m = c.message("system-invoice", inv);
  CHECK(m["state"] == "failed");
  CHECK(m["error"].get<std::string>().find("interrompu") != std::string::npos);

  c.exec({{"cmd", "message.retry"}, {"message_id", m["message_id"]}});
  c.sync();
  c.run();  // the retry is honoured: scheduled now
  CHECK(c.run().sent == 1);
  CHECK(c.run().sent == 0);
  c.sync();
  CHECK(c.message("system-invoice", inv)["state"] == "sent");
}

TEST_CASE("« Annuler » on a device cancels a scheduled reminder; a template turned off cancels its own") {
  Clinic c;
  c.activate("system-reminder-7d");
  c.activate("system-reminder-1m");
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const std::string inv = c.invoice(zoe, 6000);
  c.sync();
  c.run();
  c.sync();
  CHECK(c.message("system-reminder-7d", inv)["request_kind"] == "");  // a reminder: no request
  c.exec({{"cmd", "message.cancel"}, {"message_id", "system-reminder-7d:" + inv}});
  CHECK(c.message("system-reminder-7d", inv)["cancel_requested"] == true);
  c.exec({{"cmd", "template.set_active"}, {"template_id", "system-reminder-1m"}, {"active", false}});
  c.sync();
  c.now += 40 * 86400;
  MailPass pass = c.run();
  CHECK(pass.sent == 0);
  CHECK(pass.cancelled == 2);
  c.sync();
  CHECK(c.message("system-reminder-7d", inv)["state"] == "cancelled");
  CHECK(c.message("system-reminder-7d", inv)["cancel_requested"] == false);
  CHECK(c.message("system-reminder-1m", inv)["error"] == "modèle désactivé");
  CHECK(c.sender->sent.empty());
}

TEST_CASE("temporary failures are retried with backoff, then failed; a refusal is final; a daily cap holds the rest") {
  Clinic c;
  c.activate("system-invoice");
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const std::string first = c.invoice(zoe, 1000);
  c.sync();
  c.sender->script = {{SendResult::Outcome::retry, "pas de réponse du serveur"},
                      {SendResult::Outcome::retry, "451 réessayez plus tard"}};
  CHECK(c.run().postponed == 1);
  CHECK(c.run().sent == 0);  // not before its next attempt (5 min)
  c.now += 300;
  CHECK(c.run().postponed == 1);
  c.now += 1199;
  CHECK(c.run().sent == 0);  // 20 min after the second
  c.now += 1;
  CHECK(c.run().sent == 1);
  CHECK(c.sent_for(first) == 1);

  const std::string refused = c.invoice(zoe, 2000);
  c.sync();
  c.sender->script = {{SendResult::Outcome::refused, "adresse refusée par le serveur de messagerie (550)"}};
  CHECK(c.run().failed == 1);
  c.now += 86400;
  CHECK(c.run().sent == 0);
  c.sync();
  CHECK(c.message("system-invoice", refused)["error"] == "adresse refusée par le serveur de messagerie (550)");

  c.now = at("2026-03-10T10:00:00Z");
  c.options.daily_cap = 2;
  c.stop();
  c.start();
  for (int i = 0; i < 3; ++i) c.invoice(zoe, 3000 + i);
  c.sync();
  MailPass capped = c.run();
  CHECK(capped.sent == 2);
  CHECK(capped.postponed == 1);
  c.now += 3600;
  CHECK(c.run().sent == 0);  // held until the next day, in the window: 08:00 in Paris (07:00 UTC)
  c.now = at("2026-03-11T06:59:00Z");
  CHECK(c.run().sent == 0);
  c.now = at("2026-03-11T07:00:00Z");
  CHECK(c.run().sent == 1);
}

namespace {
std::string pdftotext(const std::string& path) {
  std::string text;
  if (FILE* p = popen(("pdftotext -layout '" + path + "' - 2>&1").c_str(), "r")) {
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, p)) > 0;) text.append(buffer, n);
    pclose(p);
  }
  for (const std::string& nbsp : {std::string("\u00A0"), std::string("\u202F")}) {
    for (std::size_t at; (at = text.find(nbsp)) != std::string::npos;) text.replace(at, nbsp.size(), " ");
  }
  return text;
}
}  // namespace

TEST_CASE("an invoice email over real SMTP: UTF-8 headers, fields filled, escaped HTML, the PDF attached") {
  quittance::server::testing::SmtpSink sink("cabinet", "s3cret");
  Clinic c;
  c.transport = std::make_shared<SmtpSender>(SmtpConfig{sink.url(), "cabinet", "s3cret", "factures@ebene.fr", "Cabinet Ébène"});
  c.stop();
  c.start();
  c.exec({{"cmd", "settings.set"}, {"key", "practice.email"}, {"value", "accueil@ebene.fr"}});
  c.exec({{"cmd", "template.save"}, {"name", "Facture à l'émission"},
          {"subject", "Facture {{numero_facture}} – {{cabinet}}"},
          {"body", "Bonjour {{facture_a}},\nFacture {{numero_facture}} du {{date_facture}} pour {{patient}} : "
                   "{{total}}, reste à régler {{reste_du}}."},
          {"delay_amount", 0}, {"delay_unit", "hours"}, {"active", true}});
  const std::string patient = c.patient("Zoé <b>Lefèvre</b>", "zoe@example.fr");
  const std::string contact = c.exec({{"cmd", "contact.create"}, {"patient_id", patient}, {"name", "Jean Lefèvre"},
                                      {"relation", "Père"}, {"email", "jean.lefevre@example.fr"}})["contact_id"];
  const std::string inv = c.exec({{"cmd", "invoice.create"}, {"patient_id", patient}, {"contact_id", contact},
                                  {"lines", {{{"label", "Séance d'ostéopathie"}, {"unit_price", 8000}}}}})["invoice_id"];
  c.exec({{"cmd", "invoice.issue"}, {"invoice_id", inv}});
  c.pay(patient, inv, 2000);
  c.sync();
  REQUIRE(c.run().sent == 1);
  REQUIRE(sink.count() == 1);
  const std::string number = c.number(inv);
  const Json m = sink.message(1);
  CHECK(m["subject"] == "Facture " + number + " – Cabinet Ébène");
  CHECK(m["from"]["name"] == "Cabinet Ébène");
  CHECK(m["from"]["address"] == "factures@ebene.fr");
  CHECK(m["to"]["address"] == "jean.lefevre@example.fr");  // « Facturé à », not the patient
  CHECK(m["to"]["name"] == "Jean Lefèvre");
  CHECK(m["envelope"]["authenticated"] == true);
  CHECK(m["defects"].empty());
  const std::string text = m["text"];
  CHECK(text.find("Bonjour Jean Lefèvre,") != std::string::npos);
  CHECK(text.find("pour Zoé <b>Lefèvre</b> : 80,00\u00a0€, reste à régler 60,00\u00a0€.") != std::string::npos);
  const std::string html = m["html"];
  CHECK(html.find("Zoé &lt;b&gt;Lefèvre&lt;/b&gt;") != std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  REQUIRE(m["attachments"].size() == 1);
  CHECK(m["attachments"][0]["filename"] == "Facture " + number + ".pdf");
  CHECK(m["attachments"][0]["content_type"] == "application/pdf");
  const std::string pdf = pdftotext(m["attachments"][0]["path"]);
  CHECK(pdf.find(number) != std::string::npos);
  CHECK(pdf.find("Jean Lefèvre") != std::string::npos);
  CHECK(pdf.find("80,00 €") != std::string::npos);
  CHECK(pdf.find("60,00 €") != std::string::npos);
  const std::string raw = sink.raw(1);
  CHECK(raw.find("Subject: =?UTF-8?") != std::string::npos);
  CHECK(raw.find("multipart/alternative") != std::string::npos);
  CHECK(raw.find("\r\nReply-To: accueil@ebene.fr\r\n") != std::string::npos);  // answers reach the practice
}

TEST_CASE("an invoice issued earlier but synced later (an offline device) is still planned") {
  Clinic c;
  const std::int64_t activated = c.now;
  c.activate("system-reminder-7d");
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  c.now = activated + 2 * 3600;
  const std::string first = c.invoice(zoe, 6000);
  c.sync();
  c.run();
  // Issued an hour after the activation on a device that was offline, and reaching the log
  // after the later invoice above was planned.
  c.now = activated + 3600;
  const std::string late = c.invoice(zoe, 5000);
  c.now = activated + 2 * 3600 + 60;
  c.sync();
  c.run();
  c.sync();
  CHECK(c.message("system-reminder-7d", first)["state"] == "scheduled");
  REQUIRE(c.message("system-reminder-7d", late).is_object());
  CHECK(c.message("system-reminder-7d", late)["due_at"] == core::format_utc_instant(activated + 3600 + 7 * 86400));
  // Issued before the activation: never.
  c.now = activated - 60;
  const std::string before = c.invoice(zoe, 4000);
  c.now = activated + 3 * 3600;
  c.sync();
  c.run();
  c.sync();
  CHECK(c.message("system-reminder-7d", before).is_null());
}

TEST_CASE("a bank debit under way holds a reminder back without cancelling it; once failed, the reminder goes") {
  Clinic c;
  c.activate("system-reminder-7d");
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const std::string inv = c.invoice(zoe, 6000);
  c.sync();
  c.run();
  c.server.db->with([&](Sql& d) {
    d.exec("INSERT INTO charges(clinic_id, command_id, payment_intent_id, invoice_id, patient_id, amount, currency, "
           "paid_on, status, created_at, updated_at) VALUES ('" + c.clinic_id + "', 'x', 'pi_sepa', '" + inv + "', '" +
           zoe + "', 6000, 'eur', '2026-01-31', 'processing', 'now', 'now')");
  });
  c.now += 8 * 86400;
  MailPass held = c.run();
  CHECK(held.sent == 0);
  CHECK(held.cancelled == 0);
  c.server.db->with([&](Sql& d) { d.exec("UPDATE charges SET status = 'failed'"); });
  CHECK(c.run().sent == 1);
  CHECK(c.sent_for(inv) == 1);
}

TEST_CASE("a reminder comes back when the payment that cancelled it is deleted, or the patient's reminders are turned on") {
  Clinic c;
  c.activate("system-reminder-7d");
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const std::string paul = c.patient("Paul Martin", "paul@example.fr", false);
  const std::string inv = c.invoice(zoe, 6000);
  const std::string pauls = c.invoice(paul, 5000);
  const std::string payment = c.pay(zoe, inv, 6000);
  c.sync();
  c.run();
  c.sync();
  CHECK(c.message("system-reminder-7d", inv).is_null());    // paid before it was planned
  CHECK(c.message("system-reminder-7d", pauls).is_null());  // excluded
  c.exec({{"cmd", "payment.delete"}, {"payment_id", payment}, {"reason", "Chèque sans provision"}});
  c.exec({{"cmd", "patient.update"}, {"patient_id", paul}, {"reminders", true}});
  c.sync();
  c.run();
  c.sync();
  CHECK(c.message("system-reminder-7d", inv)["state"] == "scheduled");
  CHECK(c.message("system-reminder-7d", pauls)["state"] == "scheduled");

  // Paid again: cancelled; the payment deleted again after the due time: it goes out at once.
  const std::string again = c.pay(zoe, inv, 6000);
  c.sync();
  c.run();
  c.sync();
  CHECK(c.message("system-reminder-7d", inv)["error"] == "facture réglée");
  c.now += 10 * 86400;
  c.exec({{"cmd", "payment.delete"}, {"payment_id", again}, {"reason", "Erreur de saisie"}});
  c.sync();
  CHECK(c.run().sent == 1);  // Paul's, due three days ago; Zoé's waits its grace
  CHECK(c.sent_for(pauls) == 1);
  CHECK(c.sent_for(inv) == 0);
  c.now += 15 * 60;
  CHECK(c.run().sent == 1);
  CHECK(c.sent_for(inv) == 1);
  CHECK(c.run().sent == 0);
}

TEST_CASE("reminders planned after their time: only the latest goes, never a burst") {
  Clinic c;
  c.activate("system-reminder-7d");
  c.activate("system-reminder-1m");
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const std::string inv = c.invoice(zoe, 6000);
  const std::string payment = c.pay(zoe, inv, 6000);
  c.sync();
  c.run();
  c.now += 40 * 86400;  // both reminders' times are past when the payment is deleted
  c.exec({{"cmd", "payment.delete"}, {"payment_id", payment}, {"reason", "Chèque sans provision"}});
  c.sync();
  CHECK(c.run().sent == 1);
  CHECK(c.sender->sent.back().subject.rfind("Deuxième rappel", 0) == 0);
  c.sync();
  CHECK(c.message("system-reminder-7d", inv)["state"] == "cancelled");
  CHECK(c.message("system-reminder-7d", inv)["error"] == "remplacée par une relance plus récente");
  c.now += 86400;
  CHECK(c.run().sent == 0);
}

// [SECTION] « Demande de paiement »

TEST_CASE("a payment request's email over real SMTP: once, to the payer, with its link, amount and expiry; no PDF") {
  quittance::server::testing::SmtpSink sink;
  Clinic c;
  c.transport = std::make_shared<SmtpSender>(SmtpConfig{sink.url(), "", "", "factures@ebene.fr", "Cabinet Ébène"});
  c.restart_with("https://cabinet.example.fr");
  c.exec({{"cmd", "settings.set"}, {"key", "practice.email"}, {"value", "accueil@ebene.fr"}});
  const std::string patient = c.patient("Zoé <b>Lefèvre</b>", "zoe@example.fr");
  const std::string contact = c.exec({{"cmd", "contact.create"}, {"patient_id", patient}, {"name", "Jean Lefèvre"},
                                      {"relation", "Père"}, {"email", "jean.lefevre@example.fr"}})["contact_id"];
  const std::string inv = c.exec({{"cmd", "invoice.create"}, {"patient_id", patient}, {"contact_id", contact},
                                  {"lines", {{{"label", "Séance d'ostéopathie"}, {"unit_price", 10500}}}}})["invoice_id"];
  c.exec({{"cmd", "invoice.issue"}, {"invoice_id", inv}});
  const Clinic::Request r = c.request(
      {{"patient_id", patient}, {"invoice_ids", Json::array({inv})}, {"send_email", true}, {"expires_in_hours", 48}});
  c.sync();

  const MailPass pass = c.run();
  CHECK(pass.planned == 1);
  CHECK(pass.sent == 1);
  REQUIRE(sink.count() == 1);
  const Json m = sink.message(1);
  const std::string link = "https://cabinet.example.fr/pay/" + r.token;
  CHECK(m["subject"] == "Demande de paiement – Cabinet Ébène");
  CHECK(m["to"]["address"] == "jean.lefevre@example.fr");  // the address chosen at creation
  CHECK(m["to"]["name"] == "Jean Lefèvre");
  CHECK(m["from"]["name"] == "Cabinet Ébène");
  CHECK(m["defects"].empty());
  CHECK(m["attachments"].empty());
  const std::string text = m["text"];
  CHECK(text.find("Bonjour Jean Lefèvre,") != std::string::npos);
  CHECK(text.find("Cabinet Ébène vous envoie un lien de paiement en ligne (carte, Google Pay ou Apple Pay) ; montant : 105,00\u00a0€.") != std::string::npos);
  CHECK(text.find(":\r\n" + link + "\r\n") != std::string::npos);  // on a line of its own, whole
  CHECK(text.find("Le lien est valable jusqu'au 2 février 2026 à 11:00.") != std::string::npos);  // Paris time
  const std::string html = m["html"];
  CHECK(html.find("<a href=\"" + link + "\">" + link + "</a>") != std::string::npos);
  CHECK(html.find("jusqu&#39;au 2 février 2026") != std::string::npos);
  CHECK(sink.raw(1).find("\r\nReply-To: accueil@ebene.fr\r\n") != std::string::npos);

  // The devices see it in Communications, for the request's invoice.
  c.sync();
  const Json message = c.request_message(r);
  REQUIRE(message.is_object());
  CHECK(message["state"] == "sent");
  CHECK(message["template_name"] == "Demande de paiement");
  CHECK(message["recipient"] == "jean.lefevre@example.fr");
  CHECK(message["invoice_id"] == inv);
  CHECK(message["request_kind"] == "invoices");  // Communications shows the invoice, no « (+n) »
  CHECK(message["request_invoices"] == 1);

  // Once: later passes, a restart, the page opened (the request's state moves) send nothing more.
  c.now += 3600;
  CHECK(c.run().sent == 0);
  c.server.db->with([&](Sql& d) {
    emit_event(d, c.clinic_id, "opened:" + r.id, "payment_request.update",
               {{"request_id", r.id}, {"state", "opened"}, {"at", core::format_utc_instant(c.now)}}, c.now);
  });
  c.sync();
  c.stop();
  c.start();
  const MailPass later = c.run();
  CHECK(later.planned == 0);
  CHECK(later.sent == 0);
  CHECK(sink.count() == 1);
}

TEST_CASE("a deposit request's email has no invoice; the devices record its message all the same") {
  Clinic c;
  c.restart_with("https://cabinet.example.fr");
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const Clinic::Request r = c.deposit(zoe, 3000);
  c.sync();
  CHECK(c.run().sent == 1);
  REQUIRE(c.sender->sent.size() == 1);
  const MailMessage& m = c.sender->sent[0];
  CHECK(m.to_address == "zoe@example.fr");
  CHECK(m.to_name == "Zoé Lefèvre");
  CHECK(m.text.find("montant : 30,00\u00a0€") != std::string::npos);
  CHECK(m.text.find("https://cabinet.example.fr/pay/" + r.token) != std::string::npos);
  CHECK(m.attachments.empty());
  c.sync();
  const Json message = c.request_message(r);
  REQUIRE(message.is_object());
  CHECK(message["state"] == "sent");
  CHECK(message["invoice_id"] == "");
  CHECK(message["patient_id"] == zoe);
  CHECK(message["request_kind"] == "deposit");  // Communications says « Acompte »
  CHECK(message["request_invoices"] == 0);
}

TEST_CASE("a request's email is cancelled, never sent, once the request is paid, cancelled or expired") {
  Clinic c;
  c.restart_with("https://cabinet.example.fr", 0);  // a daily cap of 0: planned, held until the next day
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  auto request_for = [&](std::int64_t hours) {
    return c.request({{"patient_id", zoe}, {"invoice_ids", Json::array({c.invoice(zoe, 6000)})}, {"send_email", true},
                      {"expires_in_hours", hours}});
  };
  // Paid before the server ever planned it: the books say paid, nothing is planned.
  const Clinic::Request paid_first = request_for(48);
  c.pay_request_event(paid_first.id, zoe, 6000);
  const Clinic::Request paid_in_books = request_for(48);
  const Clinic::Request paid_online = request_for(48);
  const Clinic::Request cancelled = request_for(48);
  const Clinic::Request expired = request_for(1);
  const Clinic::Request paid_at_desk = request_for(48);
  const Clinic::Request waiting = request_for(48);
  c.sync();
  MailPass first = c.run();
  CHECK(first.planned == 6);
  CHECK(first.postponed == 6);
  CHECK(c.sender->sent.empty());

  c.pay_request_event(paid_in_books.id, zoe, 6000);  // a device pulls it into the books
  c.charge_request(paid_online.id, zoe, 6000);       // no device has it yet
  c.exec({{"cmd", "payment_request.cancel"}, {"request_id", cancelled.id}});
  const Json desk = c.device.query({{"cmd", "payment_request.list"}, {"request_id", paid_at_desk.id}});
  c.pay(zoe, desk["result"]["items"][0]["invoices"][0]["invoice_id"], 6000);
  c.now = at("2026-02-01T08:00:00Z");  // the next day, held messages are due; the 1-hour request expired
  c.sync();
  c.restart_with("https://cabinet.example.fr");  // no cap: what still applies goes now
  const MailPass second = c.run();
  CHECK(second.cancelled == 5);
  CHECK(second.sent == 1);
  REQUIRE(c.sender->sent.size() == 1);
  CHECK(c.sender->sent[0].text.find(waiting.token) != std::string::npos);
  c.sync();
  CHECK(c.request_message(paid_first).is_null());
  CHECK(c.request_message(paid_in_books)["state"] == "cancelled");
  CHECK(c.request_message(paid_in_books)["error"] == "demande réglée");
  CHECK(c.request_message(paid_online)["error"] == "demande réglée");
  CHECK(c.request_message(cancelled)["error"] == "demande annulée");
  CHECK(c.request_message(expired)["error"] == "demande expirée");
  CHECK(c.request_message(paid_at_desk)["error"] == "factures réglées");
  CHECK(c.request_message(waiting)["state"] == "sent");
  CHECK(c.run().sent == 0);
}

TEST_CASE("a bank debit under way holds a request's email back; « Annuler » on a device cancels it") {
  Clinic c;
  c.restart_with("https://cabinet.example.fr");
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const Clinic::Request r = c.deposit(zoe, 3000);
  c.charge_request(r.id, zoe, 3000, "processing");
  c.sync();
  const MailPass held = c.run();
  CHECK(held.planned == 1);
  CHECK(held.sent == 0);
  CHECK(held.cancelled == 0);
  c.sync();
  const Json m = c.request_message(r);
  REQUIRE(m.is_object());
  c.exec({{"cmd", "message.cancel"}, {"message_id", m["message_id"]}});
  c.sync();
  CHECK(c.run().cancelled == 1);
  c.sync();
  CHECK(c.request_message(r)["error"] == "à la demande du cabinet");
  CHECK(c.sender->sent.empty());
}

TEST_CASE("without QUITTANCE_PUBLIC_URL a request's email fails, saying why; « Réessayer » sends it once it is set") {
  Clinic c;  // options.public_url is empty
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const Clinic::Request r = c.deposit(zoe, 3000);
  c.sync();
  const MailPass pass = c.run();
  CHECK(pass.failed == 1);
  CHECK(c.sender->sent.empty());
  c.sync();
  Json m = c.request_message(r);
  REQUIRE(m.is_object());
  CHECK(m["state"] == "failed");
  CHECK(m["error"] ==
        "Adresse publique du serveur inconnue (QUITTANCE_PUBLIC_URL) : le lien ne peut pas être envoyé.");
  CHECK(m["recipient"] == "zoe@example.fr");

  c.restart_with("https://cabinet.example.fr");
  c.exec({{"cmd", "message.retry"}, {"message_id", m["message_id"]}});
  c.sync();
  c.run();  // the retry is honoured: scheduled now
  CHECK(c.run().sent == 1);
  REQUIRE(c.sender->sent.size() == 1);
  CHECK(c.sender->sent[0].text.find("https://cabinet.example.fr/pay/" + r.token) != std::string::npos);
}

TEST_CASE("« Demande de paiement » never makes invoice emails, whatever invoices are issued") {
  Clinic c;
  c.restart_with("https://cabinet.example.fr");
  // Even dated as if it had been turned on, it is not an invoice template.
  c.device_db.exec(
      "UPDATE message_templates SET active_since = '2026-01-01T00:00:00Z' WHERE id = 'system-payment-request'");
  for (const MailTemplate& t : active_templates(c.device_db)) CHECK(t.id != "system-payment-request");
  REQUIRE(request_template(c.device_db).has_value());
  CHECK(request_template(c.device_db)->id == "system-payment-request");

  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const std::string inv = c.invoice(zoe, 6000);
  c.invoice(zoe, 4000);
  c.request({{"patient_id", zoe}, {"invoice_ids", Json::array({inv})}});  // not to be emailed
  c.sync();
  c.now += 40 * 86400;
  const MailPass pass = c.run();
  CHECK(pass.planned == 0);
  CHECK(pass.sent == 0);
  c.sync();
  CHECK(c.device.query({{"cmd", "message.list"}})["result"]["total"] == 0);
}

TEST_CASE("an invoice email fills the link fields with the invoice's open request, else leaves them empty") {
  Clinic c;
  c.restart_with("https://cabinet.example.fr");
  c.exec({{"cmd", "template.save"}, {"name", "Facture et lien"}, {"subject", "Facture {{numero_facture}}"},
          {"body", "Reste {{reste_du}}. Payez [{{montant_demande}}] ici : [{{lien_paiement}}] "
                   "avant le [{{date_limite}}]."},
          {"delay_amount", 0}, {"delay_unit", "hours"}, {"active", true}});
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const std::string with_link = c.invoice(zoe, 6000);
  const std::string without = c.invoice(zoe, 4000);
  c.request({{"patient_id", zoe}, {"invoice_ids", Json::array({with_link})}, {"expires_in_hours", 24}});  // older
  c.now += 60;
  const Clinic::Request latest =
      c.request({{"patient_id", zoe}, {"invoice_ids", Json::array({with_link})}, {"expires_in_hours", 72}});
  c.sync();
  CHECK(c.run().sent == 2);
  for (const MailMessage& m : c.sender->sent) {
    if (m.subject.find(c.number(with_link)) != std::string::npos) {
      const std::string link = "https://cabinet.example.fr/pay/" + latest.token;
      CHECK(m.text ==
            "Reste 60,00\u00a0€. Payez [60,00\u00a0€] ici : [" + link + "] avant le [3 février 2026 à 11:01].");
      CHECK(m.html.find("<a href=\"" + link + "\">") != std::string::npos);
    } else {
      CHECK(m.subject.find(c.number(without)) != std::string::npos);
      CHECK(m.text == "Reste 40,00\u00a0€. Payez [] ici : [] avant le [].");
      CHECK(m.html.find("<a ") == std::string::npos);
    }
  }
}

TEST_CASE("a reminder is cancelled once the invoice is paid on its request's page, before any device knows") {
  Clinic c;
  c.activate("system-reminder-7d");
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const std::string paid = c.invoice(zoe, 6000);
  const std::string unpaid = c.invoice(zoe, 4000);
  const Clinic::Request r = c.request({{"patient_id", zoe}, {"invoice_ids", Json::array({paid, unpaid})}});
  c.sync();
  c.run();
  c.charge_request(r.id, zoe, 6000);  // the request's invoices in order: all of the first one
  c.now += 8 * 86400;
  const MailPass pass = c.run();
  CHECK(pass.cancelled == 1);
  CHECK(pass.sent == 1);
  CHECK(c.sent_for(unpaid) == 1);
  CHECK(c.sent_for(paid) == 0);
  c.sync();
  CHECK(c.message("system-reminder-7d", paid)["error"] == "facture réglée");
}

TEST_CASE("a patient's email corrected while a reminder waits: the reminder follows it, on the device at once and when sent") {
  Clinic c;
  c.activate("system-reminder-7d");
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@exmaple.fr");  // mistyped
  const std::string inv = c.invoice(zoe, 6000);
  c.sync();
  c.run();
  c.sync();
  REQUIRE(c.message("system-reminder-7d", inv)["state"] == "scheduled");
  CHECK(c.message("system-reminder-7d", inv)["recipient"] == "zoe@exmaple.fr");

  c.exec({{"cmd", "patient.update"}, {"patient_id", zoe}, {"email", "zoe@example.fr"}});
  CHECK(c.message("system-reminder-7d", inv)["recipient"] == "zoe@example.fr");  // offline, at once
  c.sync();
  c.run();
  c.sync();  // the server's re-planned row comes back with the same address
  CHECK(c.message("system-reminder-7d", inv)["recipient"] == "zoe@example.fr");
  CHECK(c.message("system-reminder-7d", inv)["state"] == "scheduled");

  c.now += 8 * 86400;
  c.sender->sent.clear();
  CHECK(c.run().sent == 1);
  REQUIRE(c.sender->sent.size() == 1);
  CHECK(c.sender->sent[0].to_address == "zoe@example.fr");
}

// [SECTION] The practice's time zone

TEST_CASE("the practice's time zone: a month later keeps its hour across DST; nothing goes out at night there") {
  Clinic c;
  c.now = at("2026-03-20T09:00:00Z");  // 10:00 in Paris, winter time
  c.activate("system-invoice");
  c.activate("system-reminder-1m");
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const std::string inv = c.invoice(zoe, 6000);
  c.sync();
  CHECK(c.run().sent == 1);
  c.sync();
  // A month later is 20 April at 10:00 in Paris, summer time: 08:00 UTC, not 09:00.
  CHECK(c.message("system-reminder-1m", inv)["due_at"] == "2026-04-20T08:00:00Z");
  c.now = at("2026-04-20T07:59:00Z");
  CHECK(c.run().sent == 0);
  c.now = at("2026-04-20T08:00:00Z");
  CHECK(c.run().sent == 1);

  // The practice is in Nouméa (UTC+11): an invoice issued at 10:00 UTC is issued at 21:00
  // there, and its email waits for 08:00 the next morning, 21:00 UTC.
  c.exec({{"cmd", "settings.set"}, {"key", "practice.time_zone"}, {"value", "Pacific/Noumea"}});
  c.now = at("2026-04-21T10:00:00Z");
  const std::string late = c.invoice(zoe, 3000);
  c.sync();
  const MailPass night = c.run();
  CHECK(night.sent == 0);
  CHECK(night.postponed == 1);
  c.sync();
  const Json held = c.message("system-invoice", late);
  CHECK(held["state"] == "scheduled");
  CHECK(held["error"] == "Envoi le 22 avril 2026 à 08:00 : aucun e-mail entre 20 h et 8 h, heure du cabinet.");
  c.now = at("2026-04-21T20:59:00Z");
  CHECK(c.run().sent == 0);
  c.now = at("2026-04-21T21:00:00Z");
  CHECK(c.run().sent == 1);
  CHECK(c.sender->sent.back().subject.find(c.number(late)) != std::string::npos);
}

TEST_CASE("the practice's time zone: the daily cap counts the practice's day, from its midnight") {
  Clinic c;
  c.options.daily_cap = 1;
  c.stop();
  c.start();
  c.exec({{"cmd", "settings.set"}, {"key", "practice.time_zone"}, {"value", "Indian/Reunion"}});  // UTC+4
  c.activate("system-invoice");
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  c.now = at("2026-06-10T15:00:00Z");  // 19:00 at La Réunion
  c.invoice(zoe, 1000);
  c.invoice(zoe, 2000);
  c.sync();
  const MailPass first = c.run();
  CHECK(first.sent == 1);
  CHECK(first.postponed == 1);
  // 20:30 UTC is already the next day at La Réunion (00:30), but before its window: 04:00 UTC.
  c.now = at("2026-06-10T20:30:00Z");
  CHECK(c.run().sent == 0);
  c.now = at("2026-06-11T04:00:00Z");
  CHECK(c.run().sent == 1);
}

// [SECTION] Documents by email: attestations and statements

TEST_CASE("an attestation and a statement asked for by email go once, each with its PDF; the January round queues each payer once") {
  Clinic c;
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const std::string paul = c.patient("Paul Martin", "paul@example.fr");
  const std::string lea = c.patient("Léa Moreau", "");  // no address
  const std::string ines = c.patient("Inès Roux", "ines@example.fr");  // paid nothing this year
  c.pay(zoe, c.invoice(zoe, 6000), 6000);
  c.pay(paul, c.invoice(paul, 4500), 4500);
  c.pay(lea, c.invoice(lea, 3000), 3000);
  c.invoice(ines, 2000);
  const Json attestation = c.exec({{"cmd", "patient.email_document"}, {"patient_id", zoe}, {"kind", "attestation"}, {"year", 2026}});
  CHECK(attestation["recipient"] == "zoe@example.fr");
  const Json statement = c.exec({{"cmd", "patient.email_document"}, {"patient_id", zoe}, {"kind", "statement"}});
  const Json refused = c.device.exec({{"cmd", "patient.email_document"}, {"id", "no-address"}, {"patient_id", lea},
                                      {"kind", "attestation"}, {"year", 2026}});
  CHECK(refused["error"]["code"] == "patient_no_email");
  c.sync();

  const MailPass pass = c.run();
  CHECK(pass.sent == 2);
  REQUIRE(c.sender->sent.size() == 2);
  std::map<std::string, MailMessage> by_subject;
  for (const MailMessage& m : c.sender->sent) by_subject[m.subject] = m;
  const MailMessage& a = by_subject["Attestation de paiement – Cabinet Ébène"];
  CHECK(a.to_address == "zoe@example.fr");
  CHECK(a.text.find("Bonjour Zoé Lefèvre,") != std::string::npos);
  REQUIRE(a.attachments.size() == 1);
  CHECK(a.attachments[0].filename == "Attestation de paiement 2026.pdf");
  const MailMessage& s = by_subject["Relevé de compte – Cabinet Ébène"];
  REQUIRE(s.attachments.size() == 1);
  CHECK(s.attachments[0].filename == "Relevé de compte 2026-01-31.pdf");
  // The PDFs are the documents: the attestation's amount, the statement's balance.
  const quittance::server::testing::TempDir files;
  for (const MailAttachment& file : {a.attachments[0], s.attachments[0]}) {
    const std::string path = (files.path / file.filename).string();
    std::ofstream(path, std::ios::binary) << file.data;
    const std::string text = pdftotext(path);
    CHECK(text.find("Zoé Lefèvre") != std::string::npos);
    CHECK(text.find("60,00 €") != std::string::npos);
  }
  c.sync();
  CHECK(c.message("system-attestation", attestation["document_email_id"])["state"] == "sent");
  CHECK(c.message("system-statement", statement["document_email_id"])["state"] == "sent");
  CHECK(c.run().sent == 0);  // once

  // The January round: Zoé and Paul (who paid and have an address), not Léa (no address) nor
  // Inès (paid nothing); asked twice, queued once.
  const Json round = c.exec({{"cmd", "attestation.email_all"}, {"year", 2026}});
  CHECK(round["queued"] == 2);
  CHECK(round["without_email"] == 1);
  CHECK(c.exec({{"cmd", "attestation.email_all"}, {"year", 2026}})["queued"] == 0);
  c.sync();
  CHECK(c.run().sent == 2);
  CHECK(c.sender->count_to("Attestation de paiement") == 3);
  CHECK(c.sender->sent.back().attachments.size() == 1);
}

TEST_CASE("at night a document asked for one patient goes at once; the round waits for 08:00 and takes half the daily cap") {
  Clinic c;
  c.options.daily_cap = 2;  // the round: 1 a day
  c.stop();
  c.start();
  c.now = at("2026-03-10T21:00:00Z");  // 22:00 in Paris
  const std::string zoe = c.patient("Zoé Lefèvre", "zoe@example.fr");
  const std::string paul = c.patient("Paul Martin", "paul@example.fr");
  const std::string lea = c.patient("Léa Moreau", "lea@example.fr");
  for (const std::string& p : {zoe, paul, lea}) c.pay(p, c.invoice(p, 3000), 3000);
  c.exec({{"cmd", "patient.email_document"}, {"patient_id", zoe}, {"kind", "statement"}});
  CHECK(c.exec({{"cmd", "attestation.email_all"}, {"year", 2026}})["queued"] == 3);
  c.sync();
  const MailPass night = c.run();
  CHECK(night.sent == 1);  // the statement, asked at the desk
  CHECK(c.sender->sent.back().subject == "Relevé de compte – Cabinet Ébène");
  CHECK(night.postponed == 3);  // the round, held to 08:00
  c.now = at("2026-03-11T06:59:00Z");
  CHECK(c.run().sent == 0);
  c.now = at("2026-03-11T07:00:00Z");  // 08:00 in Paris: one attestation (1 of the 2 a day), the rest tomorrow
  const MailPass morning = c.run();
  CHECK(morning.sent == 1);
  CHECK(morning.postponed == 2);
  c.sync();
  int held = 0;
  const Json scheduled = c.device.query({{"cmd", "message.list"}, {"state", "scheduled"}});
  for (const Json& m : scheduled["result"]["items"]) {
    held += m["error"] == "Reporté au lendemain : au plus 1 attestations par jour, pour laisser passer les autres e-mails.";
  }
  CHECK(held == 2);
  // The day's own emails still have their half: a statement asked at noon goes.
  c.now = at("2026-03-11T11:00:00Z");
  c.exec({{"cmd", "patient.email_document"}, {"patient_id", paul}, {"kind", "statement"}});
  c.sync();
  CHECK(c.run().sent == 1);
  c.now = at("2026-03-12T07:00:00Z");
  CHECK(c.run().sent == 1);
  c.now = at("2026-03-13T07:00:00Z");
  CHECK(c.run().sent == 1);
  CHECK(c.sender->count_to("Attestation de paiement") == 3);
}
