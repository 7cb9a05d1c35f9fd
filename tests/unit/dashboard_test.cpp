// The dashboard's summary (dashboard.summary): hand-computed figures for a small clinic, and
// over randomized clinics the property that its totals are the patients' balances summed.
#include <doctest/doctest.h>

#include <map>
#include <random>

#include "billing_clinic.h"

using quittance::testing::Clinic;
using quittance::testing::Json;

namespace {

std::string pay(Clinic& c, const std::string& patient, const char* type, std::int64_t amount, const char* on,
                Json allocations = Json::array()) {
  return c.exec({{"cmd", "payment.create"},
                 {"patient_id", patient},
                 {"payment_type_id", type},
                 {"amount", amount},
                 {"paid_on", on},
                 {"allocations", allocations}})["payment_id"];
}

void refund(Clinic& c, const std::string& patient, const char* type, std::int64_t amount, const char* on) {
  c.exec({{"cmd", "refund.create"},
          {"patient_id", patient},
          {"payment_type_id", type},
          {"amount", amount},
          {"refunded_on", on},
          {"reason", "Trop-perçu"}});
}

}  // namespace

TEST_CASE("the dashboard on 20 November: what is owed by age, the month's takings net of refunds") {
  Clinic c({2026, 11, 20});
  std::string anna = c.patient("Anna Roy");
  std::string ben = c.patient("Ben Colin");
  std::string july = c.invoice(anna, 10000, "A", "2026-07-01");    // 142 days: 90+
  std::string october = c.invoice(anna, 8000, "B", "2026-10-05");  // 46 days: 31-60
  std::string nov3 = c.invoice(ben, 6000, "C", "2026-11-03");      // 0-30
  std::string nov10 = c.invoice(ben, 5000, "D", "2026-11-10");     // cancelled below
  c.exec(
      {{"cmd", "invoice.create"}, {"patient_id", anna}, {"lines", {{{"label", "Brouillon"}, {"unit_price", 9999}}}}});
  c.exec({{"cmd", "invoice.cancel"}, {"invoice_id", nov10}, {"reason", "Erreur"}});

  pay(c, anna, "cash", 3000, "2026-10-30", {{{"invoice_id", october}, {"amount", 3000}}});  // last month
  pay(c, anna, "cash", 4000, "2026-11-05", {{{"invoice_id", july}, {"amount", 4000}}});
  pay(c, ben, "card_terminal", 4000, "2026-11-12", {{{"invoice_id", nov3}, {"amount", 4000}}});
  std::string bounced = pay(c, ben, "cheque", 2500, "2026-11-15");
  c.exec({{"cmd", "payment.delete"}, {"payment_id", bounced}, {"reason", "Chèque sans provision"}});
  pay(c, anna, "transfer", 5000, "2026-11-18", {{{"invoice_id", october}, {"amount", 2000}}});
  pay(c, anna, "cash", 1000, "2026-11-25");  // after the day asked about
  refund(c, anna, "cash", 1000, "2026-11-19");
  refund(c, anna, "cheque", 500, "2026-11-19");

  Json d = c.query({{"cmd", "dashboard.summary"}});
  CHECK(d["as_of"] == "2026-11-20");
  CHECK(d["currency"] == "EUR");
  // Due: july 10000 − 4000, october 8000 − 3000 − 2000, nov3 6000 − 4000; nov10 is cancelled.
  CHECK(d["aged"] == Json::parse(R"([{"bucket":"0-30","due":2000},{"bucket":"31-60","due":3000},
                                     {"bucket":"61-90","due":0},{"bucket":"90+","due":6000}])"));
  CHECK(d["due_total"] == 11000);
  CHECK(d["overdue_total"] == 9000);  // older than 30 days
  CHECK(d["aged"] == c.query({{"cmd", "receivables.aged"}})["buckets"]);
  CHECK(d["month"] == "2026-11");
  // Cash 4000 − 1000 refunded; the cheque bounced (deleted) and 500 went back by cheque;
  // October's payment and the one dated 25 November are outside 1–20 November.
  CHECK(d["takings_by_type"] == Json::parse(R"j([
          {"payment_type_id":"cash","label":"Espèces","amount":3000},
          {"payment_type_id":"cheque","label":"Chèque","amount":-500},
          {"payment_type_id":"transfer","label":"Virement","amount":5000},
          {"payment_type_id":"card_terminal","label":"Carte bancaire (TPE)","amount":4000}])j"));
  CHECK(d["takings_total"] == 11500);
  CHECK(d["invoiced_month"] == 11000);  // nov3 and nov10: a cancelled invoice was invoiced

  Json end = c.query({{"cmd", "dashboard.summary"}, {"as_of", "2026-11-30"}});
  CHECK(end["takings_by_type"][0]["amount"] == 4000);
  CHECK(end["takings_total"] == 12500);
  Json october_view = c.query({{"cmd", "dashboard.summary"}, {"as_of", "2026-10-31"}});
  CHECK(october_view["month"] == "2026-10");
  CHECK(october_view["takings_total"] == 3000);
  CHECK(october_view["invoiced_month"] == 8000);
  CHECK(c.commands().query({{"cmd", "dashboard.summary"}, {"as_of", "2026-11-31"}})["error"]["field"] == "as_of");
}

TEST_CASE("the dashboard's totals are the sums of the patients' balances (randomized clinics)") {
  std::mt19937_64 rng(4242);
  const char* types[] = {"cash", "cheque", "transfer", "card_terminal"};
  std::map<std::string, int> accepted;  // by command: each kind of movement must really occur
  for (int clinic = 0; clinic < 30; ++clinic) {
    CAPTURE(clinic);
    // Everything is dated today (the 2nd), so the whole history falls within the month so far.
    Clinic c;
    std::vector<std::string> patients;
    for (int i = 0; i < 3; ++i) patients.push_back(c.patient("Patient " + std::to_string(i)));
    std::vector<std::string> invoices, payments;
    for (int step = 0; step < 40; ++step) {
      const std::string& p = patients[rng() % patients.size()];
      const std::string type = types[rng() % 4];
      const std::int64_t amount = 100 + static_cast<std::int64_t>(rng() % 9000);
      const std::string inv = invoices.empty() ? "none" : invoices[rng() % invoices.size()];
      Json cmd;
      switch (rng() % 7) {
        case 0:
        case 1:
          invoices.push_back(c.invoice(p, amount));
          continue;
        case 2:
          cmd = {{"cmd", "payment.create"},
                 {"patient_id", p},
                 {"payment_type_id", type},
                 {"amount", amount},
                 {"allocations", {{{"invoice_id", inv}, {"amount", amount / 2}}}}};
          break;
        case 3:
          cmd = {{"cmd", "payment.create"}, {"patient_id", p}, {"payment_type_id", type}, {"amount", amount}};
          break;
        case 4:
          cmd = {{"cmd", "refund.create"},
                 {"patient_id", p},
                 {"payment_type_id", type},
                 {"amount", amount / 3},
                 {"reason", "Trop-perçu"}};
          break;
        case 5:
          cmd = {{"cmd", "payment.delete"},
                 {"payment_id", payments.empty() ? "none" : payments[rng() % payments.size()]},
                 {"reason", "Erreur"}};
          break;
        default:
          cmd = {{"cmd", "invoice.cancel"}, {"invoice_id", inv}, {"reason", "Erreur"}};
      }
      Json answer = c.try_exec(cmd);  // refusals (wrong patient, too much) are part of the mix
      if (answer["ok"] != true) continue;
      ++accepted[cmd["cmd"]];
      if (cmd["cmd"] == "payment.create") payments.push_back(answer["result"]["payment_id"]);
    }
    std::int64_t due = 0, takings = 0, invoiced = 0;
    for (const std::string& p : patients) {
      Json b = c.balance(p);
      due += b["due"].get<std::int64_t>();
      takings += b["paid"].get<std::int64_t>() - b["refunded"].get<std::int64_t>();
      invoiced += b["invoiced"].get<std::int64_t>();
    }
    Json d = c.query({{"cmd", "dashboard.summary"}});
    CHECK(d["due_total"] == due);
    CHECK(d["takings_total"] == takings);
    CHECK(d["invoiced_month"] == invoiced);
    std::int64_t by_type = 0, aged = 0;
    for (const Json& t : d["takings_by_type"]) by_type += t["amount"].get<std::int64_t>();
    for (const Json& b : d["aged"]) aged += b["due"].get<std::int64_t>();
    CHECK(by_type == takings);
    CHECK(aged == due);
    CHECK(d["overdue_total"] == 0);  // nothing is older than 30 days
  }
  MESSAGE("accepted: ", Json(accepted).dump());
  for (const char* name : {"payment.create", "refund.create", "payment.delete", "invoice.cancel"}) {
    CAPTURE(name);
    CHECK(accepted[name] >= 20);
  }
}
