// A booking's money as seed 004 says (app/appointments.h): the invoice follows the payment, a
// paid deposit leads to the balance, an unpaid or cancelled booking leaves nothing owed. Each
// policy with each ending, in exact amounts, through the commands and the server's facts the
// devices apply.
#include <doctest/doctest.h>

#include "billing_clinic.h"

using namespace quittance;
using app::Json;
using quittance::testing::Clinic;

namespace {

std::string token(int n) { return quittance::testing::link_token(n, 'B'); }

int next_fact = 100;

// The server's fact that the patient paid `request_id` online, applied as devices apply it.
Json paid(Clinic& c, const std::string& patient, const std::string& request_id, std::int64_t amount,
          const std::string& on = "2026-11-03") {
  const int seq = ++next_fact;
  return c.commands().exec({{"cmd", "server_event.apply"},
                            {"id", "srv-" + std::to_string(seq)},
                            {"event",
                             {{"seq", seq},
                              {"kind", "payment.succeeded"},
                              {"data",
                               {{"payment_intent_id", "pi_" + std::to_string(seq)},
                                {"invoice_id", ""},
                                {"patient_id", patient},
                                {"amount", amount},
                                {"fee", 40},
                                {"currency", "EUR"},
                                {"paid_on", on},
                                {"request_id", request_id}}}}}});
}

struct Booking {
  std::string appointment_id, request_id;
};

struct Practice {
  Clinic c;
  std::string patient = c.patient("Léonie Barbier");
  int tokens = 0;

  std::string category(Json fields) {
    fields["cmd"] = "appointment_category.create";
    if (!fields.contains("name")) fields["name"] = "Bilan";
    return c.exec(fields)["category_id"];
  }
  Booking book(const std::string& category_id, const std::string& starts_at = "2026-12-12T14:30") {
    const Json a = c.exec({{"cmd", "appointment.book"},
                           {"patient_id", patient},
                           {"category_id", category_id},
                           {"starts_at", starts_at},
                           {"token", token(++tokens)}});
    return {a["appointment_id"], a["request"].is_object() ? a["request"]["request_id"].get<std::string>() : ""};
  }
  Json appointment(const std::string& id) {
    const Json items = c.query({{"cmd", "appointment.list"}, {"patient_id", patient}})["items"];  // kept: the loop's range
    for (const Json& a : items)
      if (a["appointment_id"] == id) return a;
    FAIL("no such appointment");
    return {};
  }
  Json invoices() { return c.query({{"cmd", "invoice.list"}, {"patient_id", patient}})["items"]; }
  std::int64_t owed() { return c.balance(patient)["due"]; }
  std::int64_t credit() { return c.balance(patient)["credit"]; }
};

}  // namespace

TEST_CASE("full payment at booking: no invoice and no number until the payment; then issued in WEB, already paid") {
  Practice p;
  const std::string bilan = p.category({{"price", 6000}, {"policy", "full"}, {"expiry_hours", 24}});
  const Booking b = p.book(bilan);
  Json a = p.appointment(b.appointment_id);
  CHECK(a["status"] == "pending");
  CHECK(a["invoice_id"] == "");
  CHECK(a["money"]["asked"] == 6000);
  CHECK(p.invoices().empty());
  CHECK(p.owed() == 0);
  // The patient's page asks for the visit, not a deposit.
  const Json view = p.c.query({{"cmd", "payment_request.view"}, {"token", token(1)}});
  CHECK(view["amount"] == 6000);
  CHECK(view["appointment"]["payment"] == "full");

  REQUIRE(paid(p.c, p.patient, b.request_id, 6000, "2026-11-05")["ok"] == true);
  a = p.appointment(b.appointment_id);
  CHECK(a["status"] == "confirmed");
  CHECK(a["invoice_number"] == "F-2026-WEB-000001");
  CHECK(a["money"] == Json{{"asked", 6000}, {"paid", 6000}, {"invoiced", 6000}, {"due", 0},
                           {"payment_id", a["money"]["payment_id"]}, {"refund_until", ""},
                           {"invoice_state", "issued"}});
  const Json invoice = p.c.invoice_state(a["invoice_id"]);
  CHECK(invoice["status"] == "paid");
  CHECK(invoice["issued_on"] == "2026-11-05");
  CHECK(p.credit() == 0);
  CHECK(p.owed() == 0);
  // On the paid page: the invoice, to download.
  const Json after = p.c.query({{"cmd", "payment_request.view"}, {"token", token(1)}});
  REQUIRE(after["invoices"].size() == 1);
  CHECK(after["invoices"][0]["number"] == "F-2026-WEB-000001");
  // The same fact again (a replay) changes nothing.
  CHECK(p.invoices().size() == 1);
}

TEST_CASE("full payment: declined, then paid, makes one invoice; expired or cancelled unpaid leave nothing due") {
  Practice p;
  const std::string bilan = p.category({{"price", 5000}, {"policy", "full"}, {"expiry_hours", 1}});
  const Booking declined = p.book(bilan, "2026-12-01T09:00");
  const Booking expired = p.book(bilan, "2026-12-02T09:00");
  const Booking cancelled = p.book(bilan, "2026-12-03T09:00");
  const int seq = ++next_fact;
  REQUIRE(p.c.commands()
              .exec({{"cmd", "server_event.apply"},
                     {"id", "srv-" + std::to_string(seq)},
                     {"event",
                      {{"seq", seq},
                       {"kind", "payment.failed"},
                       {"data",
                        {{"patient_id", p.patient},
                         {"amount", 5000},
                         {"decline_code", "insufficient_funds"},
                         {"request_id", declined.request_id}}}}}})["ok"] == true);
  CHECK(p.invoices().empty());
  REQUIRE(paid(p.c, p.patient, declined.request_id, 5000)["ok"] == true);
  CHECK(p.invoices().size() == 1);

  CHECK(p.c.exec({{"cmd", "appointment.cancel"}, {"appointment_id", cancelled.appointment_id}})["settlement"] == "");
  app::CommandLayer later(p.c.db(), app::fixed_clock(core::Date{2026, 11, 9}));
  const Json listed = later.query({{"cmd", "appointment.list"}, {"patient_id", p.patient}});
  REQUIRE(listed["ok"] == true);
  for (const Json& a : listed["result"]["items"])
    if (a["appointment_id"] == expired.appointment_id) CHECK(a["status"] == "expired");
  // One invoice (the paid one), numbered without a gap; nothing owed for the two others.
  REQUIRE(p.invoices().size() == 1);
  CHECK(p.invoices()[0]["number"] == "F-2026-WEB-000001");
  CHECK(p.owed() == 0);
  CHECK(p.c.query({{"cmd", "payment_request.view"}, {"token", token(3)}})["state"] == "cancelled");
}

TEST_CASE("a paid deposit makes the invoice for the whole price, the deposit on it; the balance link pays the rest") {
  Practice p;
  const std::string bilan =
      p.category({{"price", 5000}, {"policy", "deposit_percent"}, {"deposit_value", 3000}, {"expiry_hours", 24}});
  const Booking b = p.book(bilan);
  CHECK(p.appointment(b.appointment_id)["money"]["asked"] == 1500);  // 30 % of 50 €
  REQUIRE(paid(p.c, p.patient, b.request_id, 1500)["ok"] == true);
  Json a = p.appointment(b.appointment_id);
  CHECK(a["money"]["paid"] == 1500);
  CHECK(a["money"]["invoiced"] == 5000);
  CHECK(a["money"]["due"] == 3500);
  CHECK(p.credit() == 0);
  CHECK(p.owed() == 3500);
  // « Envoyer un lien pour le solde »: the invoice's rest, asked and paid online.
  const Json balance = p.c.exec({{"cmd", "payment_request.create"},
                                 {"patient_id", p.patient},
                                 {"kind", "invoices"},
                                 {"invoice_ids", {a["invoice_id"]}},
                                 {"token", token(40)}});
  CHECK(balance["amount"] == 3500);
  REQUIRE(paid(p.c, p.patient, balance["request_id"], 3500)["ok"] == true);
  a = p.appointment(b.appointment_id);
  CHECK(a["money"]["due"] == 0);
  CHECK(p.c.status(a["invoice_id"]) == "paid");
  CHECK(p.owed() == 0);
  CHECK(p.credit() == 0);
}

TEST_CASE("a visit paid by its deposit and then its balance, cancelled within the terms, gives both back to refund") {
  Practice p;
  const std::string bilan = p.category(
      {{"price", 5000}, {"policy", "deposit_amount"}, {"deposit_value", 1500}, {"refund_until_hours", 24}});
  const Booking b = p.book(bilan);
  REQUIRE(paid(p.c, p.patient, b.request_id, 1500)["ok"] == true);
  const Json balance = p.c.exec({{"cmd", "payment_request.create"},
                                 {"patient_id", p.patient},
                                 {"kind", "invoices"},
                                 {"invoice_ids", {p.appointment(b.appointment_id)["invoice_id"]}},
                                 {"token", token(41)}});
  REQUIRE(paid(p.c, p.patient, balance["request_id"], 3500)["ok"] == true);
  CHECK(p.appointment(b.appointment_id)["money"]["paid"] == 5000);
  const Json r = p.c.exec({{"cmd", "appointment.cancel"}, {"appointment_id", b.appointment_id}, {"settle", "refund"}});
  CHECK(r["refund_due"] == 5000);
  CHECK(p.credit() == 5000);
  CHECK(p.owed() == 0);
}

TEST_CASE("a deposit invoiced after the session: a draft until the practice issues it, which takes the deposit") {
  Practice p;
  const std::string bilan = p.category(
      {{"price", 8000}, {"policy", "deposit_amount"}, {"deposit_value", 2000}, {"invoice_at", "session"}});
  const Booking b = p.book(bilan);
  REQUIRE(paid(p.c, p.patient, b.request_id, 2000)["ok"] == true);
  Json a = p.appointment(b.appointment_id);
  CHECK(a["money"]["invoice_state"] == "draft");
  CHECK(p.credit() == 2000);
  const Json issued = p.c.exec({{"cmd", "invoice.issue"}, {"invoice_id", a["invoice_id"]}});
  CHECK(issued["number"] == "F-2026-A-000001");  // the practice's own series: a person issued it
  a = p.appointment(b.appointment_id);
  CHECK(a["money"]["due"] == 6000);
  CHECK(p.credit() == 0);
}

TEST_CASE("cancelling a paid deposit: refunded within the terms, kept after; always said, never guessed") {
  Practice p;
  const std::string bilan = p.category({{"price", 5000},
                                        {"policy", "deposit_amount"},
                                        {"deposit_value", 1500},
                                        {"refund_until_hours", 48}});
  const Booking refunded = p.book(bilan, "2026-12-12T14:30");
  const Booking kept = p.book(bilan, "2026-12-14T09:00");
  REQUIRE(paid(p.c, p.patient, refunded.request_id, 1500)["ok"] == true);
  REQUIRE(paid(p.c, p.patient, kept.request_id, 1500)["ok"] == true);
  CHECK(p.owed() == 7000);
  CHECK(p.appointment(refunded.appointment_id)["money"]["refund_until"] == "2026-12-10T14:30");

  // Paid: the cancellation must say what becomes of the money.
  CHECK(p.c.refusal({{"cmd", "appointment.cancel"}, {"appointment_id", refunded.appointment_id}}) ==
        "settlement_required");
  CHECK(p.appointment(refunded.appointment_id)["status"] == "confirmed");

  // Refunded: the invoice cancelled by a credit note, the deposit back as credit to refund.
  const Json r = p.c.exec({{"cmd", "appointment.cancel"}, {"appointment_id", refunded.appointment_id}, {"settle", "refund"}});
  CHECK(r["refund_due"] == 1500);
  CHECK(r["credit_note_id"] != "");
  Json a = p.appointment(refunded.appointment_id);
  CHECK(p.c.status(a["invoice_id"]) == "cancelled");
  CHECK(a["settlement"] == "refund");
  CHECK(p.credit() == 1500);
  p.c.exec({{"cmd", "refund.create"},
            {"patient_id", p.patient},
            {"payment_id", r["payment_id"]},
            {"amount", 1500},
            {"payment_type_id", "card_online"},
            {"route", "processor"},
            {"reason", "Annulation dans les délais"},
            {"refunded_on", "2026-11-04"}});
  CHECK(p.credit() == 0);

  // Kept: what was paid is what is owed; the rest is credited on the invoice.
  const Json k = p.c.exec({{"cmd", "appointment.cancel"}, {"appointment_id", kept.appointment_id}, {"settle", "keep"}});
  CHECK(k["refund_due"] == 0);
  a = p.appointment(kept.appointment_id);
  CHECK(p.c.status(a["invoice_id"]) == "paid");
  CHECK(a["money"]["due"] == 0);
  CHECK(p.owed() == 0);
  CHECK(p.credit() == 0);
  const Json notes = p.c.query({{"cmd", "credit_note.list"}, {"patient_id", p.patient}})["items"];
  REQUIRE(notes.size() == 2);
}

TEST_CASE("a full booking paid then cancelled late is kept whole; a session deposit kept becomes its own invoice") {
  Practice p;
  const std::string full = p.category({{"name", "Visio"}, {"price", 4000}, {"policy", "full"}});
  const std::string session = p.category(
      {{"price", 8000}, {"policy", "deposit_amount"}, {"deposit_value", 2000}, {"invoice_at", "session"}});
  const Booking f = p.book(full);
  const Booking s = p.book(session);
  REQUIRE(paid(p.c, p.patient, f.request_id, 4000)["ok"] == true);
  REQUIRE(paid(p.c, p.patient, s.request_id, 2000)["ok"] == true);
  p.c.exec({{"cmd", "appointment.cancel"}, {"appointment_id", f.appointment_id}, {"settle", "keep"}});
  CHECK(p.c.status(p.appointment(f.appointment_id)["invoice_id"]) == "paid");
  p.c.exec({{"cmd", "appointment.cancel"}, {"appointment_id", s.appointment_id}, {"settle", "keep"}});
  const Json a = p.appointment(s.appointment_id);
  const Json invoice = p.c.invoice_state(a["invoice_id"]);
  CHECK(invoice["total"] == 2000);
  CHECK(invoice["status"] == "paid");
  CHECK(p.owed() == 0);
  CHECK(p.credit() == 0);
}

TEST_CASE("what the booking agreed holds at payment: a service archived, a category changed, tax included") {
  Practice p;
  const std::string rate = p.c.exec({{"cmd", "tax_rate.create"}, {"name", "TVA 20 %"}, {"rate_bp", 2000}})["tax_rate_id"];
  const std::string service = p.c.exec({{"cmd", "service.create"},
                                        {"code", "MASS"},
                                        {"label", "Massage bien-être"},
                                        {"unit_price", 5000},
                                        {"tax_rate_id", rate}})["service_id"];
  const std::string massage =
      p.category({{"name", "Massage"}, {"service_id", service}, {"policy", "full"}, {"refund_until_hours", 24}});
  const Booking b = p.book(massage);
  CHECK(p.appointment(b.appointment_id)["money"]["asked"] == 6000);  // 50 € + 20 %
  // Before the money comes, the service is archived and the category asks for nothing.
  p.c.exec({{"cmd", "service.archive"}, {"service_id", service}});
  p.c.exec({{"cmd", "appointment_category.update"}, {"category_id", massage}, {"policy", "none"}});
  REQUIRE(paid(p.c, p.patient, b.request_id, 6000)["ok"] == true);  // never refused: the money is in the books
  Json a = p.appointment(b.appointment_id);
  const Json invoice = p.c.invoice_state(a["invoice_id"]);
  CHECK(invoice["total"] == 6000);
  CHECK(invoice["status"] == "paid");
  CHECK(invoice["lines"][0]["label"] == "Massage bien-être");
  CHECK(p.owed() == 0);
}

TEST_CASE("a deposit invoiced after the session, cancelled within the terms: the draft goes, the deposit is to refund") {
  Practice p;
  const std::string bilan = p.category({{"price", 8000},
                                        {"policy", "deposit_amount"},
                                        {"deposit_value", 2000},
                                        {"invoice_at", "session"},
                                        {"refund_until_hours", 24}});
  const Booking b = p.book(bilan);
  REQUIRE(paid(p.c, p.patient, b.request_id, 2000)["ok"] == true);
  // The paid page offers no draft to download.
  CHECK(p.c.query({{"cmd", "payment_request.view"}, {"token", token(1)}})["invoices"].empty());
  const Json r = p.c.exec({{"cmd", "appointment.cancel"}, {"appointment_id", b.appointment_id}, {"settle", "refund"}});
  CHECK(r["refund_due"] == 2000);
  CHECK(r["credit_note_id"] == "");
  const Json a = p.appointment(b.appointment_id);
  CHECK(a["invoice_id"] == "");
  CHECK(a["money"]["paid"] == 2000);
  CHECK(p.invoices().empty());
  CHECK(p.credit() == 2000);
}

TEST_CASE("appointment.create, the earlier version's operation, replays as it ran: invoice at booking, deposit as credit") {
  Practice p;
  const std::string full = p.category({{"price", 6000}, {"policy", "full"}});
  const std::string deposit = p.category({{"price", 5000}, {"policy", "deposit_amount"}, {"deposit_value", 1500}});
  auto legacy = [&](const std::string& category, int n) {
    return p.c.exec({{"cmd", "appointment.create"},
                     {"patient_id", p.patient},
                     {"category_id", category},
                     {"starts_at", "2026-12-12T14:30"},
                     {"token", token(60 + n)}});
  };
  const Json f = legacy(full, 1);
  CHECK(p.c.status(f["invoice_id"]) == "due");  // issued at booking, as it was
  CHECK(p.appointment(f["appointment_id"])["legacy"] == true);  // the app says it was left as it was
  CHECK(p.appointment(p.book(full).appointment_id)["legacy"] == false);
  CHECK(p.owed() == 6000);
  REQUIRE(paid(p.c, p.patient, f["request"]["request_id"], 6000)["ok"] == true);
  CHECK(p.c.status(f["invoice_id"]) == "paid");
  const Json d = legacy(deposit, 2);
  REQUIRE(paid(p.c, p.patient, d["request"]["request_id"], 1500)["ok"] == true);
  CHECK(p.appointment(d["appointment_id"])["invoice_id"] == "");  // no invoice made: credit, as it was
  CHECK(p.credit() == 1500);
  // Cancelled as then: the link only, no settlement asked.
  CHECK(p.c.exec({{"cmd", "appointment.cancel"}, {"appointment_id", d["appointment_id"]}})["settlement"] == "");
  CHECK(p.credit() == 1500);
  REQUIRE(p.invoices().size() == 1);
}
