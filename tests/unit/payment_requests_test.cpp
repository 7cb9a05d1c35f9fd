// Payment requests and appointments in the books (docs/payment_requests.md): what a link asks,
// how its state moves, where the money it brings lands, and what is refused.
#include <doctest/doctest.h>

#include "billing_clinic.h"

using namespace quittance;
using app::Json;
using quittance::testing::Clinic;

namespace {

std::string token(int n) { return quittance::testing::link_token(n); }

Json event(Clinic& c, std::int64_t seq, const std::string& kind, const Json& data) {
  return c.commands().exec({{"cmd", "server_event.apply"},
                            {"id", "srv-" + std::to_string(seq)},
                            {"event", {{"seq", seq}, {"kind", kind}, {"data", data}}}});
}

Json request_of(Clinic& c, const std::string& request_id) {
  Json items = c.query({{"cmd", "payment_request.list"}, {"request_id", request_id}})["items"];
  REQUIRE(items.size() == 1);
  return items[0];
}

Json paid_online(const std::string& patient, const std::string& request_id, std::int64_t amount,
                 std::int64_t surcharge = 0, const std::string& pi = "pi_req") {
  return {{"payment_intent_id", pi}, {"invoice_id", ""},        {"patient_id", patient}, {"amount", amount},
          {"fee", 50},               {"surcharge", surcharge}, {"currency", "EUR"},     {"paid_on", "2026-11-03"},
          {"request_id", request_id}};
}

// A query as the books answer it on another day (expiry is a matter of the clock).
Json query_on(Clinic& c, core::Date day, const Json& cmd) {
  app::CommandLayer later(c.db(), app::fixed_clock(day));
  return later.query(cmd);
}

}  // namespace

TEST_CASE("a request for two invoices asks what they owe, and its payment settles both") {
  Clinic c;
  const std::string p = c.patient("Éloïse Dupré");
  const std::string a = c.invoice(p, 6000);
  const std::string b = c.invoice(p, 4500);
  Json r = c.exec({{"cmd", "payment_request.create"}, {"patient_id", p}, {"invoice_ids", {a, b}}, {"token", token(1)}});
  CHECK(r["kind"] == "invoices");
  CHECK(r["amount"] == 10500);
  CHECK(r["path"] == "/pay/" + token(1));
  const std::string id = r["request_id"];
  CHECK(request_of(c, id)["state"] == "sent");

  // What the page shows: the amount, the invoices, and no more than the request needs.
  Json view = c.query({{"cmd", "payment_request.view"}, {"token", token(1)}});
  CHECK(view["state"] == "payable");
  CHECK(view["amount"] == 10500);
  CHECK(view["fee"] == 0);
  CHECK(view["total"] == 10500);
  REQUIRE(view["invoices"].size() == 2);
  CHECK(view["invoices"][0]["due"] == 6000);

  REQUIRE(event(c, 1, "payment_request.update", {{"request_id", id}, {"state", "opened"}, {"at", "2026-11-02T09:00:00Z"}})["ok"] == true);
  CHECK(request_of(c, id)["state"] == "opened");

  Json applied = event(c, 2, "payment.succeeded", paid_online(p, id, 10500));
  REQUIRE_MESSAGE(applied["ok"] == true, applied.dump());
  CHECK(c.status(a) == "paid");
  CHECK(c.status(b) == "paid");
  CHECK(request_of(c, id)["state"] == "paid");
  CHECK(c.query({{"cmd", "payment_request.view"}, {"token", token(1)}})["state"] == "paid");
  // Paid: it cannot be cancelled (the money would need a refund).
  CHECK(c.refusal({{"cmd", "payment_request.cancel"}, {"request_id", id}}) == "request_paid");
}

TEST_CASE("an invoice paid at the desk meanwhile is asked no more; the online money becomes credit") {
  Clinic c;
  const std::string p = c.patient("Noël Œuvrard");
  const std::string a = c.invoice(p, 6000);
  const std::string id =
      c.exec({{"cmd", "payment_request.create"}, {"patient_id", p}, {"invoice_ids", {a}}, {"token", token(2)}})["request_id"];
  c.exec({{"cmd", "payment.create"}, {"patient_id", p}, {"payment_type_id", "cash"}, {"amount", 6000},
          {"allocations", {{{"invoice_id", a}, {"amount", 6000}}}}});
  CHECK(c.query({{"cmd", "payment_request.view"}, {"token", token(2)}})["state"] == "paid");

  // Paid online all the same (the patient was quicker than the desk's sync): nothing lost.
  REQUIRE(event(c, 3, "payment.succeeded", paid_online(p, id, 6000))["ok"] == true);
  CHECK(c.balance(p)["credit"] == 6000);
}

TEST_CASE("a deposit request becomes account credit, without the fee the patient paid on top") {
  Clinic c;
  const std::string p = c.patient("Gaëlle Lefèvre");
  const std::string id = c.exec({{"cmd", "payment_request.create"},
                                 {"patient_id", p},
                                 {"kind", "deposit"},
                                 {"amount", 3000},
                                 {"token", token(3)}})["request_id"];
  Json applied = event(c, 4, "payment.succeeded", paid_online(p, id, 3070, 70));
  REQUIRE_MESSAGE(applied["ok"] == true, applied.dump());
  CHECK(c.balance(p)["credit"] == 3000);
  CHECK(request_of(c, id)["state"] == "paid");
  // Then « Payer depuis le compte » uses it.
  const std::string inv = c.invoice(p, 3000);
  c.exec({{"cmd", "invoice.pay_from_account"}, {"invoice_id", inv}, {"amount", 3000}});
  CHECK(c.status(inv) == "paid");
  CHECK(c.balance(p)["credit"] == 0);
}

TEST_CASE("passing card fees on: the page adds the fee, the books keep the amount asked") {
  Clinic c;
  c.exec({{"cmd", "settings.set"}, {"key", "billing.pass_fees"}, {"value", "1"}});
  const std::string p = c.patient("Hélène Crête");
  const std::string a = c.invoice(p, 10000);
  c.exec({{"cmd", "payment_request.create"}, {"patient_id", p}, {"invoice_ids", {a}}, {"token", token(4)}});
  Json view = c.query({{"cmd", "payment_request.view"}, {"token", token(4)}});
  CHECK(view["amount"] == 10000);
  CHECK(view["fee"].get<std::int64_t>() > 0);
  CHECK(view["total"] == 10000 + view["fee"].get<std::int64_t>());
}

TEST_CASE("a declined attempt marks the request failed, and the link still works") {
  Clinic c;
  const std::string p = c.patient("Loïc Bérard");
  const std::string a = c.invoice(p, 5000);
  const std::string id =
      c.exec({{"cmd", "payment_request.create"}, {"patient_id", p}, {"invoice_ids", {a}}, {"token", token(5)}})["request_id"];
  REQUIRE(event(c, 5, "payment.failed",
                {{"payment_intent_id", "pi_x"}, {"invoice_id", ""}, {"patient_id", p}, {"amount", 5000},
                 {"code", "card_declined"}, {"decline_code", "insufficient_funds"}, {"request_id", id}})["ok"] == true);
  CHECK(request_of(c, id)["state"] == "failed");
  CHECK(c.query({{"cmd", "payment_request.view"}, {"token", token(5)}})["state"] == "payable");
}

TEST_CASE("a request past its expiry is expired; a cancelled one is cancelled") {
  Clinic c(core::Date{2026, 11, 2});
  const std::string p = c.patient("Aurélie Poirier");
  const std::string a = c.invoice(p, 5000);
  c.exec({{"cmd", "payment_request.create"}, {"patient_id", p}, {"invoice_ids", {a}}, {"token", token(6)},
          {"expires_in_hours", 1}});
  Json later = query_on(c, core::Date{2026, 11, 3}, {{"cmd", "payment_request.view"}, {"token", token(6)}});
  REQUIRE(later["ok"] == true);
  CHECK(later["result"]["state"] == "expired");

  const std::string b = c.invoice(p, 5000);
  const std::string id =
      c.exec({{"cmd", "payment_request.create"}, {"patient_id", p}, {"invoice_ids", {b}}, {"token", token(7)}})["request_id"];
  c.exec({{"cmd", "payment_request.cancel"}, {"request_id", id}});
  CHECK(c.query({{"cmd", "payment_request.view"}, {"token", token(7)}})["state"] == "cancelled");
}

TEST_CASE("bad requests are refused with the field they concern, and nothing is recorded") {
  Clinic c;
  const std::string p = c.patient("Céline Mårtensson");
  const std::string q = c.patient("Bastien Ørsted");
  const std::string a = c.invoice(p, 5000);
  const std::string other = c.invoice(q, 5000);
  const std::string draft = c.exec({{"cmd", "invoice.create"}, {"patient_id", p},
                                    {"lines", {{{"label", "Séance"}, {"unit_price", 4000}}}}})["invoice_id"];
  auto refusal = [&](Json cmd) {
    cmd["cmd"] = "payment_request.create";
    if (!cmd.contains("patient_id")) cmd["patient_id"] = p;
    if (!cmd.contains("token")) cmd["token"] = token(9);
    return c.refusal(cmd);
  };
  CHECK(refusal({{"invoice_ids", {a}}, {"token", "short"}}) == "invalid_argument");
  CHECK(refusal({{"invoice_ids", {a}}, {"token", std::string(42, 'A') + "!"}}) == "invalid_argument");
  CHECK(refusal({{"invoice_ids", {other}}}) == "wrong_patient");
  CHECK(refusal({{"invoice_ids", {draft}}}) == "invoice_not_issued");
  CHECK(refusal({{"invoice_ids", {a, a}}}) == "invalid_argument");
  CHECK(refusal({{"invoice_ids", {a}}, {"expires_in_hours", 0}}) == "invalid_argument");
  CHECK(refusal({{"invoice_ids", {a}}, {"send_email", true}}) == "no_email_address");
  CHECK(refusal({{"kind", "deposit"}, {"amount", "douze"}}) == "invalid_amount");
  CHECK(refusal({{"kind", "deposit"}, {"amount", 0}}) != "");
  CHECK(c.query({{"cmd", "payment_request.list"}, {"patient_id", p}})["items"].empty());
  // The same token twice: the second is refused (a link names one request).
  c.exec({{"cmd", "payment_request.create"}, {"patient_id", p}, {"invoice_ids", {a}}, {"token", token(10)}});
  CHECK(refusal({{"invoice_ids", {a}}, {"token", token(10)}}) == "invalid_argument");
  // An unknown token: not found, whatever it looks like.
  CHECK(c.commands().query({{"cmd", "payment_request.view"}, {"token", token(11)}})["error"]["code"] == "not_found");
}

TEST_CASE("a payment event for a request these books do not have yet is refused, to be tried again") {
  Clinic c;
  const std::string p = c.patient("Anaïs Roux");
  Json r = event(c, 6, "payment.succeeded", paid_online(p, "request-from-elsewhere", 1000));
  CHECK(r["ok"] == false);
  CHECK(r["error"]["field"] == "event.data.request_id");
  CHECK(c.balance(p)["credit"] == 0);
}

TEST_CASE("an appointment in a category with a deposit is pending until the deposit is paid") {
  Clinic c;
  const std::string p = c.patient("Mathéo Girard");
  const std::string cat = c.exec({{"cmd", "appointment_category.create"},
                                  {"name", "Première consultation"},
                                  {"price", 8000},
                                  {"policy", "deposit_percent"},
                                  {"deposit_value", 2500},
                                  {"expiry_hours", 48}})["category_id"];
  Json appt = c.exec({{"cmd", "appointment.create"}, {"patient_id", p}, {"category_id", cat},
                      {"starts_at", "2026-12-12T14:30"}, {"token", token(12)}});
  CHECK(appt["status"] == "pending");
  REQUIRE(appt["request"].is_object());
  CHECK(appt["request"]["amount"] == 2000);  // 25 % of 80 €
  CHECK(appt["request"]["kind"] == "deposit");
  Json view = c.query({{"cmd", "payment_request.view"}, {"token", token(12)}});
  CHECK(view["note"].get<std::string>().find("le 12/12/2026 à 14:30") != std::string::npos);
  CHECK(view["appointment"]["category"] == "Première consultation");

  const std::string request_id = appt["request"]["request_id"];
  REQUIRE(event(c, 7, "payment.succeeded", paid_online(p, request_id, 2000))["ok"] == true);
  Json listed = c.query({{"cmd", "appointment.list"}, {"patient_id", p}})["items"];
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["status"] == "confirmed");
  CHECK(c.balance(p)["credit"] == 2000);
}

TEST_CASE("full payment at booking issues the invoice; an unpaid appointment expires; no policy confirms at once") {
  Clinic c;
  const std::string p = c.patient("Inès Marchand");
  const std::string full = c.exec({{"cmd", "appointment_category.create"}, {"name", "Bilan"}, {"price", 6000},
                                   {"policy", "full"}, {"expiry_hours", 1}})["category_id"];
  const std::string free = c.exec({{"cmd", "appointment_category.create"}, {"name", "Suivi"}})["category_id"];
  Json appt = c.exec({{"cmd", "appointment.create"}, {"patient_id", p}, {"category_id", full},
                      {"starts_at", "2026-12-01T09:00"}, {"token", token(13)}});
  const std::string inv = appt["invoice_id"];
  CHECK(c.status(inv) == "due");
  CHECK(appt["request"]["amount"] == 6000);
  Json later = query_on(c, core::Date{2026, 11, 4}, {{"cmd", "appointment.list"}, {"patient_id", p}});
  REQUIRE(later["ok"] == true);
  CHECK(later["result"]["items"][0]["status"] == "expired");

  CHECK(c.exec({{"cmd", "appointment.create"}, {"patient_id", p}, {"category_id", free},
                {"starts_at", "2026-12-02T09:00"}})["status"] == "confirmed");
  // A policy asking for money needs a link token; a time that is not one is refused.
  CHECK(c.refusal({{"cmd", "appointment.create"}, {"patient_id", p}, {"category_id", full},
                   {"starts_at", "2026-12-01T09:00"}}) == "invalid_argument");
  CHECK(c.refusal({{"cmd", "appointment.create"}, {"patient_id", p}, {"category_id", free},
                   {"starts_at", "2026-12-01 25:00"}}) == "invalid_argument");
  CHECK(c.refusal({{"cmd", "appointment_category.create"}, {"name", "X"}, {"policy", "deposit_amount"},
                   {"price", 1000}, {"deposit_value", 2000}}) == "invalid_argument");

  // Cancelling the appointment cancels its link.
  c.exec({{"cmd", "appointment.cancel"}, {"appointment_id", appt["appointment_id"]}});
  CHECK(c.query({{"cmd", "payment_request.view"}, {"token", token(13)}})["state"] == "cancelled");
  CHECK(c.refusal({{"cmd", "appointment.cancel"}, {"appointment_id", appt["appointment_id"]}}) == "appointment_cancelled");
}

TEST_CASE("a card request is done when the card is saved") {
  Clinic c;
  const std::string p = c.patient("Zoé Lambert");
  const std::string id = c.exec({{"cmd", "payment_request.create"}, {"patient_id", p}, {"kind", "card"},
                                 {"token", token(14)}})["request_id"];
  Json view = c.query({{"cmd", "payment_request.view"}, {"token", token(14)}});
  CHECK(view["save_card"] == "required");
  CHECK(view["total"] == 0);
  REQUIRE(event(c, 8, "card.saved",
                {{"patient_id", p}, {"payment_method_id", "pm_1"}, {"brand", "visa"}, {"last4", "4242"},
                 {"exp_month", 12}, {"exp_year", 2030}, {"request_id", id}})["ok"] == true);
  CHECK(request_of(c, id)["state"] == "paid");
}

TEST_CASE("« Demande de paiement » is a system template with the link's fields, and no on/off of its own") {
  Clinic c;
  Json list = c.query({{"cmd", "template.list"}});
  Json request_template;
  for (const Json& t : list["items"])
    if (t["template_id"] == "system-payment-request") request_template = t;
  REQUIRE(request_template.is_object());
  CHECK(request_template["with_requests"] == true);
  CHECK(request_template["body"].get<std::string>().find("{{lien_paiement}}") != std::string::npos);
  // Its text can be edited (its fields are known ones)…
  c.exec({{"cmd", "template.save"}, {"template_id", "system-payment-request"}, {"subject", "Votre lien – {{cabinet}}"},
          {"body", "Bonjour {{facture_a}}, {{montant_demande}} à régler avant le {{date_limite}} : {{lien_paiement}}"}});
  // …but it cannot be turned on as an invoice email, nor off.
  CHECK(c.refusal({{"cmd", "template.set_active"}, {"template_id", "system-payment-request"}, {"active", false}}) ==
        "system_template_fixed");
  CHECK(c.refusal({{"cmd", "template.save"}, {"template_id", "system-payment-request"}, {"subject", "x"}, {"body", "y"},
                   {"active", false}}) == "system_template_fixed");
}
