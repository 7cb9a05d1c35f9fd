// Server facts reach the books one way (docs/sync.md, « Server facts »): the server writes
// what it learnt (here, Stripe's webhooks through the Stripe double) into the clinic's log
// itself, and devices learn it by pulling. A webhook while every device is offline reaches
// both once they sync; a replayed webhook writes nothing twice; a fact about a patient still
// in a device's outbox is parked, not refused, and recorded by every device at the same
// place; a device older than that, which pushes the facts it learnt, changes nothing and
// agrees with a new one; a forged fact is refused at the door; events born before the server
// wrote them are carried into the log at start-up.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "server/sync/op_log.h"
#include "server/sync/server_events.h"
#include "stripe_double_process.h"
#include "synced_device.h"

using namespace quittance;
using namespace quittance::server;
using namespace quittance::server::testing;

namespace {

struct Clinic : ServerWithStripe {
  std::int64_t facts_in_log() { return s.count("SELECT COUNT(*) FROM sync_ops WHERE device_id = 'server'"); }

  // A card payment made in Stripe's dashboard with the clinic's metadata: only Stripe's
  // webhook tells the server. Waits for the server to have written it into the log.
  std::string dashboard_payment(const std::string& patient_id, const std::string& invoice_id, std::int64_t amount) {
    const std::int64_t before = facts_in_log();
    const Json pi = stripe.stripe_post("/v1/payment_intents", {{"amount", std::to_string(amount)},
                                                               {"currency", "eur"},
                                                               {"payment_method", "pm_card_visa"},
                                                               {"confirm", "true"},
                                                               {"metadata[clinic_id]", s.admin.clinic_id},
                                                               {"metadata[invoice_id]", invoice_id},
                                                               {"metadata[patient_id]", patient_id},
                                                               {"metadata[paid_on]", "2026-11-21"}});
    REQUIRE(pi["status"] == "succeeded");
    for (int i = 0; i < 100 && facts_in_log() == before; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(facts_in_log() == before + 1);
    return pi["id"];
  }
};

std::int64_t log_head_of(Clinic& c) {
  return c.s.db->with([&](Sql& d) { return log_head(d, c.s.admin.clinic_id); });
}

std::int64_t scalar(SyncedDevice& d, const std::string& sql) {
  auto st = d.db.prepare(sql);
  REQUIRE(st.step());
  return st.column_int64(0);
}

std::int64_t card_payments(SyncedDevice& d) {
  return scalar(d, "SELECT COUNT(*) FROM payments WHERE payment_type_id = 'card_online'");
}

std::string invoice_of(SyncedDevice& d, const std::string& id, const std::string& patient, std::int64_t price) {
  d.exec({{"cmd", "invoice.create"},
          {"id", id},
          {"patient_id", patient},
          {"lines", {{{"label", "Séance"}, {"unit_price", price}}}}});
  d.exec({{"cmd", "invoice.issue"}, {"id", id + "-issue"}, {"invoice_id", id}});
  return id;
}

std::string status_of(SyncedDevice& d, const std::string& invoice) {
  return d.query({{"cmd", "invoice.get"}, {"invoice_id", invoice}})["status"];
}

}  // namespace

TEST_CASE("server facts: a webhook while every device is offline reaches both once they sync, once") {
  Clinic c;
  SyncedDevice a(c.s, "A"), b(c.s, "B");
  a.exec({{"cmd", "patient.create"}, {"id", "p-helene"}, {"name", "Hélène Crête"}});
  invoice_of(a, "inv-1", "p-helene", 6500);
  REQUIRE(a.sync().ok);
  REQUIRE(b.sync().ok);
  const std::int64_t head_before = log_head_of(c);

  // Both devices offline (they do not sync) while Stripe's webhook comes.
  const std::string pi = c.dashboard_payment("p-helene", "inv-1", 6500);
  CHECK(c.s.count("SELECT COUNT(*) FROM sync_ops WHERE op_id LIKE 'srv-%'") == 1);
  // From the server, acting as the built-in owner every book holds: the previous version, which
  // refuses an actor it does not know, applies it too.
  const Json op = Json::parse(c.s.db->with([&](Sql& d) {
    auto st = d.prepare("SELECT op FROM sync_ops WHERE op_id LIKE 'srv-%'");
    REQUIRE(st.step());
    return st.column_text(0);
  }));
  CHECK(op["actor"] == "owner");
  CHECK(op["origin"] == "server");

  // Back online: each learns it by pulling the log, like any operation.
  CHECK(a.sync().ok);
  CHECK(b.sync().ok);
  for (SyncedDevice* d : {&a, &b}) {
    CHECK(card_payments(*d) == 1);
    CHECK(status_of(*d, "inv-1") == "paid");
    CHECK(scalar(*d, "SELECT COUNT(*) FROM sync_pending") == 0);  // nothing of it pushed back
    CHECK(d->replica.cursor() == head_before + 1);
  }
  CHECK(a.query({{"cmd", "payment.list"}, {"patient_id", "p-helene"}})["items"] ==
        b.query({{"cmd", "payment.list"}, {"patient_id", "p-helene"}})["items"]);

  // Stripe delivers the webhook again: nothing more in the log, nothing more in the books.
  const Json stripe_events = c.stripe.control("/_double/events")["data"];  // a copy, kept
  for (const Json& e : stripe_events)
    if (e["type"] == "payment_intent.succeeded") c.stripe.control("/_double/redeliver", {{"event_id", e["id"]}});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(c.facts_in_log() == 1);
  CHECK(a.sync().ok);
  CHECK(card_payments(a) == 1);
  CHECK(c.s.count("SELECT COUNT(*) FROM charges WHERE payment_intent_id = '" + pi + "'") == 1);
}

TEST_CASE("server facts: a payment whose patient is still in a device's outbox is parked, then recorded everywhere") {
  Clinic c;
  SyncedDevice a(c.s, "A"), b(c.s, "B");
  REQUIRE(a.sync().ok);
  // Made on A, not yet sent: the server learns of a payment of a patient its log does not hold.
  a.exec({{"cmd", "patient.create"}, {"id", "p-noel"}, {"name", "Noël Œuvrard"}});
  c.dashboard_payment("p-noel", "", 4000);

  // B cannot record it yet: parked, not refused, and what follows it in the log still applies.
  const sync::SyncOutcome first = b.sync();
  CHECK(first.ok);
  CHECK(b.replica.parked_count() == 1);
  CHECK(card_payments(b) == 0);
  CHECK(scalar(b, "SELECT COUNT(*) FROM journal WHERE name = 'server_event.apply'") == 0);
  b.exec({{"cmd", "patient.create"}, {"id", "p-other"}, {"name", "Anaïs Bréhat"}});
  CHECK(b.sync().ok);

  // A pulls the fact before its own patient (undone to let it in, so parked there too), then
  // sends the patient; the next exchanges bring the patient back in the log's order, and the
  // payment right after it.
  for (int i = 0; i < 3; ++i) REQUIRE(a.sync().ok);
  CHECK(a.replica.parked_count() == 0);
  CHECK(card_payments(a) == 1);
  for (int i = 0; i < 2; ++i) REQUIRE(b.sync().ok);
  CHECK(b.replica.parked_count() == 0);
  CHECK(card_payments(b) == 1);
  CHECK(b.query({{"cmd", "patient.balance"}, {"patient_id", "p-noel"}})["balance"] == -4000);  // credit
  CHECK(a.query({{"cmd", "payment.list"}, {"patient_id", "p-noel"}})["items"] ==
        b.query({{"cmd", "payment.list"}, {"patient_id", "p-noel"}})["items"]);
  CHECK(a.replica.cursor() == b.replica.cursor());
  CHECK(a.replica.pending_count() == 0);
}

TEST_CASE("server facts: an older device pushing the facts it pulled agrees with a new one; a forged one is refused") {
  Clinic c;
  SyncedDevice a(c.s, "A");
  a.exec({{"cmd", "patient.create"}, {"id", "p-lea"}, {"name", "Léa Martin"}});
  REQUIRE(a.sync().ok);
  c.dashboard_payment("p-lea", "", 2500);

  // An older Quittance read the event from GET /api/events (still served for it) and recorded
  // it as its own operation, under the same id, then pushes it.
  const Json events = body_of(c.s.get("/api/events?after=0", ApiServer::bearer(a.link.token)))["events"];
  REQUIRE(events.size() == 1);
  const std::string id = fact_op_id(c.s.admin.clinic_id, events[0]["seq"]);
  REQUIRE(a.commands.exec({{"cmd", "server_event.apply"}, {"id", id}, {"event", events[0]}})["ok"] == true);
  const std::vector<app::Op> outbox = a.replica.outbox(10);
  REQUIRE(outbox.size() == 1);
  const std::int64_t head = log_head_of(c);
  const Json answer = body_of(c.s.post("/api/sync/push",
                                       Json{{"protocol", 1}, {"base", head}, {"ops", {sync::op_to_json(outbox[0])}}}.dump(),
                                       "application/json", ApiServer::bearer(a.link.token)));
  CHECK(answer["refused"].empty());
  CHECK(answer["accepted"][0]["seq"] == head);  // the server's copy stands, where it stands
  CHECK(log_head_of(c) == head);
  CHECK(c.facts_in_log() == 1);
  CHECK(a.sync().ok);
  CHECK(a.replica.pending_count() == 0);
  CHECK(card_payments(a) == 1);
  // A device of this version beside it: the same payment, under the same id, the same books.
  SyncedDevice b(c.s, "B");
  REQUIRE(b.sync().ok);
  CHECK(card_payments(b) == 1);
  CHECK(a.query({{"cmd", "payment.list"}, {"patient_id", "p-lea"}})["items"] ==
        b.query({{"cmd", "payment.list"}, {"patient_id", "p-lea"}})["items"]);
  CHECK(a.query({{"cmd", "patient.balance"}, {"patient_id", "p-lea"}}) ==
        b.query({{"cmd", "patient.balance"}, {"patient_id", "p-lea"}}));

  // A payment no server learnt, pushed as a fact: refused at the door, in no book.
  Json forged = events[0];
  forged["seq"] = 999;
  forged["data"]["payment_intent_id"] = "pi_forged";
  REQUIRE(a.commands.exec({{"cmd", "server_event.apply"}, {"id", fact_op_id(c.s.admin.clinic_id, 999)},
                           {"event", forged}})["ok"] == true);
  const sync::SyncOutcome pushed = a.sync();
  CHECK(pushed.refused == 1);
  CHECK(log_head_of(c) == head);
  CHECK(card_payments(a) == 1);  // undone here, kept as refused by the server
  CHECK(a.replica.refused_by_server_count() == 1);
}

TEST_CASE("server facts: a payment only Stripe saw is dated on the practice's calendar, Nouméa or Tahiti") {
  Clinic c;
  SyncedDevice a(c.s, "A");
  a.exec({{"cmd", "patient.create"}, {"id", "p-lea"}, {"name", "Léa Martin"}});
  a.exec({{"cmd", "settings.set"}, {"id", "zone-noumea"}, {"key", "practice.time_zone"}, {"value", "Pacific/Noumea"}});
  REQUIRE(a.sync().ok);
  // Paid in the dashboard with no date of ours (metadata[paid_on] unset), at the given instant.
  auto paid_at = [&](std::int64_t unix_seconds, std::int64_t amount) {
    c.stripe.control("/_double/clock", {{"created", unix_seconds}});
    const std::int64_t before = c.facts_in_log();
    const Json pi = c.stripe.stripe_post("/v1/payment_intents", {{"amount", std::to_string(amount)},
                                                                 {"currency", "eur"},
                                                                 {"payment_method", "pm_card_visa"},
                                                                 {"confirm", "true"},
                                                                 {"metadata[clinic_id]", c.s.admin.clinic_id},
                                                                 {"metadata[patient_id]", "p-lea"}});
    REQUIRE(pi["status"] == "succeeded");
    for (int i = 0; i < 100 && c.facts_in_log() == before; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(c.facts_in_log() == before + 1);
    REQUIRE(a.sync().ok);
    const Json payments = a.query({{"cmd", "payment.list"}, {"patient_id", "p-lea"}})["items"];
    for (const Json& p : payments)
      if (p["amount"] == amount) return p["paid_on"].get<std::string>();
    FAIL("no payment of " << amount);
    return std::string();
  };
  // 31 December 2026 at 13:30 UTC is already 1 January 2027 at 00:30 in Nouméa (UTC+11).
  CHECK(paid_at(1798723800, 2500) == "2027-01-01");
  // 1 January 2027 at 05:00 UTC is still 31 December at 19:00 in Tahiti (UTC−10).
  a.exec({{"cmd", "settings.set"}, {"id", "zone-tahiti"}, {"key", "practice.time_zone"}, {"value", "Pacific/Tahiti"}});
  REQUIRE(a.sync().ok);
  CHECK(paid_at(1798779600, 3500) == "2026-12-31");
}

TEST_CASE("server facts: events born before the server wrote them are carried into the log at start-up") {
  Clinic c;
  SyncedDevice a(c.s, "A");
  a.exec({{"cmd", "patient.create"}, {"id", "p-jo"}, {"name", "Jo Perrin"}});
  REQUIRE(a.sync().ok);
  // As an older server left it: the event without its operation.
  c.s.db->with([&](Sql& d) {
    d.prepare("INSERT INTO server_events(clinic_id, key, kind, body, created_at) VALUES (?, 'card:pm_old', 'card.saved', ?, "
              "'2026-11-20T10:00:00Z')")
        .bind(1, c.s.admin.clinic_id)
        .bind(2, Json{{"patient_id", "p-jo"}, {"brand", "visa"}, {"last4", "4242"}, {"exp_month", 4}, {"exp_year", 2030}}.dump())
        .step();
    CHECK(carry_events_into_logs(d) == 1);
    CHECK(carry_events_into_logs(d) == 0);  // once
  });
  CHECK(a.sync().ok);
  CHECK(a.query({{"cmd", "card.list"}, {"patient_id", "p-jo"}})["items"].size() == 1);
}
