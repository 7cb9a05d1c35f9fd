// demo.load (src/app/demo_commands.cpp, src/app/demo_data.h): the demo clinic is a clinic whose
// books add up, that shows every case the screens have (each status, each age of unpaid
// invoice, Stripe payments with their fee, deposits, credit notes, refunds, « Facturé à »), that
// is built the same from the same id on the same day, in one transaction that a failure undoes
// whole, only by the owner and only into an empty clinic.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "billing_clinic.h"
#include "core/fees.h"

using quittance::testing::Clinic;
using quittance::testing::Json;

namespace {

std::int64_t scalar(quittance::store::Database& db, const std::string& sql) {
  auto st = db.prepare(sql);
  st.step();
  return st.column_int64(0);
}

Json load(Clinic& c, const std::string& id, Json extra = Json::object()) {
  Json cmd = {{"cmd", "demo.load"}, {"id", id}};
  cmd.update(extra);
  return c.commands().exec(cmd);
}

// Every page of a list query's items.
Json all_items(Clinic& c, Json cmd) {
  Json items = Json::array();
  cmd["limit"] = 500;
  for (std::int64_t offset = 0;; offset += 500) {
    cmd["offset"] = offset;
    Json page = c.query(cmd);
    for (Json& item : page["items"]) items.push_back(std::move(item));
    if (static_cast<std::int64_t>(items.size()) >= page["total"].get<std::int64_t>()) return items;
  }
}

std::vector<std::string> patient_ids(Clinic& c) {
  std::vector<std::string> ids;
  for (const Json& p : all_items(c, {{"cmd", "patient.list"}})) ids.push_back(p["patient_id"]);
  return ids;
}

// The clinic as the screens read it: the invoices, then each patient's payments and credit
// notes, in the queries' own order.
std::string canonical_dump(Clinic& c) {
  Json dump = {{"invoices", all_items(c, {{"cmd", "invoice.list"}})}, {"patients", Json::array()}};
  for (const std::string& id : patient_ids(c)) {
    dump["patients"].push_back({{"patient", c.query({{"cmd", "patient.get"}, {"patient_id", id}})},
                                {"payments", c.query({{"cmd", "payment.list"}, {"patient_id", id}, {"limit", 500}})},
                                {"credit_notes", c.query({{"cmd", "credit_note.list"}, {"patient_id", id}})},
                                {"balance", c.balance(id)}});
  }
  return dump.dump();
}

}  // namespace

TEST_CASE("demo.load: a year of a practice whose books add up and that shows every case") {
  Clinic c({2026, 11, 2});
  const auto started = std::chrono::steady_clock::now();
  const Json answer = load(c, "demo-1");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  REQUIRE_MESSAGE(answer["ok"] == true, answer.dump());
  const Json& result = answer["result"];
  MESSAGE("demo.load small: ", result.dump(), " in ", seconds, " s");
  WARN_MESSAGE(seconds < 2.0, "demo.load small took ", seconds, " s: too slow for the browser");

  // What it answers is what is there.
  const std::vector<std::string> patients = patient_ids(c);
  const Json invoices = all_items(c, {{"cmd", "invoice.list"}});
  CHECK(result["size"] == "small");
  CHECK(result["patients"] == 40);
  CHECK(result["patients"] == patients.size());
  CHECK(result["invoices"] == invoices.size());
  CHECK(result["payments"] == scalar(c.db(), "SELECT COUNT(*) FROM payments"));
  CHECK(result["refunds"] == scalar(c.db(), "SELECT COUNT(*) FROM refunds"));
  CHECK(result["credit_notes"] == scalar(c.db(), "SELECT COUNT(*) FROM credit_notes"));
  CHECK(result["refunds"].get<int>() >= 2);
  CHECK(scalar(c.db(), "SELECT COUNT(*) FROM credit_notes WHERE cancels = 0") >= 2);

  // A year ending today: issued within it, none in the future.
  std::set<std::string> statuses;
  for (const Json& inv : invoices) {
    statuses.insert(inv["status"].get<std::string>());
    if (inv["status"] == "draft") continue;
    CHECK(inv["issued_on"] >= "2025-11-03");
    CHECK(inv["issued_on"] <= "2026-11-02");
  }
  CHECK(invoices.front()["issued_on"] >= "2026-10-20");  // up to about today
  std::string seen;
  for (const std::string& status : statuses) seen += status + " ";
  CHECK(seen == "cancelled draft due paid partly_paid ");
  CHECK(c.query({{"cmd", "invoice.list"}, {"status", "paid"}})["total"].get<int>() > invoices.size() / 2);

  // Every age of unpaid invoice.
  const Json aged = c.query({{"cmd", "receivables.aged"}});
  REQUIRE(aged["buckets"].size() == 4);
  for (const Json& bucket : aged["buckets"]) {
    CAPTURE(bucket.dump());
    CHECK(bucket["due"].get<std::int64_t>() > 0);
  }

  // Each patient's balance is what the lists add up to: invoiced − credited − paid + refunded.
  bool stripe_fee = false, accents = false, billed_to_contact = false;
  std::set<std::string> payment_types;
  for (const std::string& id : patients) {
    CAPTURE(id);
    std::int64_t invoiced = 0, credited = 0, paid = 0, due = 0;
    for (const Json& inv : all_items(c, {{"cmd", "invoice.list"}, {"patient_id", id}})) {
      if (inv["status"] != "draft") invoiced += inv["total"].get<std::int64_t>();
      due += inv["due"].get<std::int64_t>();
    }
    const Json credit_notes = c.query({{"cmd", "credit_note.list"}, {"patient_id", id}});
    const Json payments = c.query({{"cmd", "payment.list"}, {"patient_id", id}, {"limit", 500}});
    for (const Json& cn : credit_notes["items"]) {
      credited += cn["total"].get<std::int64_t>();
    }
    for (const Json& p : payments["items"]) {
      paid += p["amount"].get<std::int64_t>();
      payment_types.insert(p["payment_type_id"].get<std::string>());
      if (p["payment_type_id"] != "card_online") continue;
      // Stripe's fee on a card (seed 002: 2.9 % + 0,30 €), kept with the payment.
      CHECK(p["fee"] == quittance::core::fee_for(p["amount"], *quittance::core::fee_schedule_for("card")));
      CHECK(p["processor_ref"] == "");  // not in Stripe: refunded by hand
      stripe_fee = stripe_fee || p["fee"].get<std::int64_t>() > 0;
    }
    const std::int64_t refunded =
        scalar(c.db(), "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE patient_id = '" + id + "'");
    const Json b = c.balance(id);
    CHECK(b["due"] == due);
    CHECK(b["credit"].get<std::int64_t>() >= 0);
    CHECK(b["balance"] == invoiced - credited - paid + refunded);

    const Json patient = c.query({{"cmd", "patient.get"}, {"patient_id", id}});
    const std::string name = patient["name"];
    accents = accents ||
              std::any_of(name.begin(), name.end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; });
    billed_to_contact = billed_to_contact || !patient["contacts"].empty();
  }
  CHECK(stripe_fee);
  CHECK(payment_types.count("card_terminal"));
  CHECK(payment_types.count("cheque"));
  CHECK(payment_types.count("transfer"));
  CHECK(accents);
  CHECK(billed_to_contact);
  CHECK(scalar(c.db(), "SELECT COUNT(*) FROM invoices WHERE contact_id IS NOT NULL") > 0);
  // Deposits used by « Payer depuis le compte ».
  CHECK(scalar(c.db(), "SELECT COUNT(*) FROM journal WHERE name = 'invoice.pay_from_account'") >= 3);

  // The practice: its name, its acts, exempt under the CGI article.
  CHECK(c.query({{"cmd", "settings.get"}, {"key", "practice.name"}}) == "Cabinet pluridisciplinaire du Parc");
  std::string exempt;
  for (const Json& rate : c.query({{"cmd", "tax_rate.list"}})) {
    if (rate["name"] == "Exonéré (art. 261-4-1° CGI)") exempt = rate["tax_rate_id"];
  }
  REQUIRE_FALSE(exempt.empty());
  std::set<std::string> labels;
  for (const Json& service : c.query({{"cmd", "service.list"}})) {
    labels.insert(service["label"].get<std::string>());
    if (service["code"] != "ATL") CHECK(service["tax_rate_id"] == exempt);  // the workshop: TVA 20 %
  }
  CHECK(labels.count("Séance de kinésithérapie (AMK 8)"));
  CHECK(labels.count("Bilan ostéopathique (première consultation)"));
  CHECK(labels.count("Séance de psychothérapie (45 min)"));

  // Each entity through a real command, journaled, demo.load's own entry last.
  const Json audit = c.query({{"cmd", "audit.verify"}});
  CHECK(audit["intact"] == true);
  CHECK(audit["entries"] == result["commands"].get<std::int64_t>() + 1);
  const Json last = c.query({{"cmd", "journal.list"}, {"after", audit["entries"].get<std::int64_t>() - 1}})["items"];
  REQUIRE(last.size() == 1);
  CHECK(last[0]["name"] == "demo.load");
}

TEST_CASE("demo.load: the same id on the same day gives the same clinic; replayed, it adds nothing") {
  Clinic a({2026, 11, 2}), b({2026, 11, 2});
  REQUIRE(load(a, "demo-same")["ok"] == true);
  REQUIRE(load(b, "demo-same")["ok"] == true);
  const std::string dump = canonical_dump(a);
  CHECK(dump.size() > 10000);
  CHECK(dump == canonical_dump(b));

  // Another id: the same story under other ids (none of the first clinic's).
  Clinic other({2026, 11, 2});
  REQUIRE(load(other, "demo-other")["ok"] == true);
  // (invoice.list orders a day's invoices by id: compare them by number.)
  auto by_number = [](Clinic& c) {
    std::map<std::string, Json> out;
    for (Json& inv : all_items(c, {{"cmd", "invoice.list"}, {"status", "paid"}})) out[inv["number"]] = inv;
    return out;
  };
  const auto first = by_number(a), second = by_number(other);
  CHECK(first.size() > 100);
  REQUIRE(first.size() == second.size());
  for (auto i = first.begin(), j = second.begin(); i != first.end(); ++i, ++j) {
    CHECK(i->first == j->first);
    CHECK(i->second["total"] == j->second["total"]);
    CHECK(i->second["invoice_id"] != j->second["invoice_id"]);
  }

  // Sent again, it answers the first answer and writes nothing.
  const std::int64_t entries = scalar(a.db(), "SELECT COUNT(*) FROM journal");
  const Json replay = load(a, "demo-same");
  CHECK(replay["replayed"] == true);
  CHECK(replay["result"] == load(b, "demo-same")["result"]);
  CHECK(scalar(a.db(), "SELECT COUNT(*) FROM journal") == entries);
  CHECK(canonical_dump(a) == dump);
}

TEST_CASE("demo.load: sizes") {
  Clinic c({2026, 11, 2});
  CHECK(c.refusal({{"cmd", "demo.load"}, {"size", "huge"}}) == "invalid_argument");
  const auto started = std::chrono::steady_clock::now();
  const Json result = c.exec({{"cmd", "demo.load"}, {"size", "large"}});
  MESSAGE("demo.load large: ", result.dump(), " in ",
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), " s");
  CHECK(result["patients"] == 150);
  CHECK(c.query({{"cmd", "invoice.list"}, {"to", "2024-11-02"}})["total"] == 0);  // two years, no more
  CHECK(c.query({{"cmd", "invoice.list"}, {"to", "2025-01-31"}})["total"].get<int>() > 0);
  CHECK(c.query({{"cmd", "audit.verify"}})["intact"] == true);
}

TEST_CASE("demo.load refuses a clinic that has patients, and changes nothing") {
  Clinic c;
  c.patient("Léa Moreau");
  const std::int64_t entries = scalar(c.db(), "SELECT COUNT(*) FROM journal");
  CHECK(c.refusal({{"cmd", "demo.load"}}) == "demo_not_empty");
  CHECK(scalar(c.db(), "SELECT COUNT(*) FROM patients") == 1);
  CHECK(scalar(c.db(), "SELECT COUNT(*) FROM journal") == entries);
  CHECK(scalar(c.db(), "SELECT COUNT(*) FROM services") == 0);
}

TEST_CASE("demo.load keeps a practice identity already set") {
  Clinic c;
  c.exec({{"cmd", "settings.set"}, {"key", "practice.name"}, {"value", "Cabinet Dupré"}});
  c.exec({{"cmd", "demo.load"}});
  CHECK(c.query({{"cmd", "settings.get"}, {"key", "practice.name"}}) == "Cabinet Dupré");
  CHECK(c.query({{"cmd", "settings.get"}, {"key", "practice.address"}}) == "8 allée du Parc, 69006 Lyon");
}

TEST_CASE("only the owner may load demo data") {
  Clinic c;
  for (const char* role : {"billing", "practitioner", "read_only"}) {
    CAPTURE(role);
    const std::string user = c.exec({{"cmd", "user.create"}, {"name", role}, {"role", role}})["user_id"];
    REQUIRE(c.commands().set_actor(user));
    CHECK(c.refusal({{"cmd", "demo.load"}}) == "forbidden");
    REQUIRE(c.commands().set_actor("owner"));
  }
  CHECK(scalar(c.db(), "SELECT COUNT(*) FROM patients") == 0);
}

TEST_CASE("a refusal inside the story undoes all of demo.load") {
  Clinic c;
  const std::int64_t entries = scalar(c.db(), "SELECT COUNT(*) FROM journal");
  // The last kind of command the story sends fails, after hundreds were accepted.
  c.db().exec("CREATE TEMP TRIGGER no_refunds BEFORE INSERT ON refunds BEGIN SELECT RAISE(ABORT, 'no refunds'); END");
  const Json answer = load(c, "demo-fails");
  REQUIRE(answer["ok"] == false);
  CHECK(answer["error"]["code"] == "storage_error");
  CHECK(answer["error"]["message"].get<std::string>().find("refund.create") != std::string::npos);
  for (const char* table : {"patients", "invoices", "payments", "credit_notes", "services", "settings"}) {
    CAPTURE(table);
    CHECK(scalar(c.db(), std::string("SELECT COUNT(*) FROM ") + table) == 0);
  }
  CHECK(scalar(c.db(), "SELECT COUNT(*) FROM journal") == entries);
  CHECK(scalar(c.db(), "SELECT COUNT(*) FROM tax_rates") == 1);  // the built-in « Exonéré de TVA »

  // Once the fault is gone, the same command id goes through.
  c.db().exec("DROP TRIGGER no_refunds");
  CHECK(load(c, "demo-fails")["ok"] == true);
}
