// server_event.apply: facts from the server (card payments, refunds, saved cards, declines)
// recorded in the clinic's books once, wherever they come from, and never lost.
#include <doctest/doctest.h>

#include "billing_clinic.h"

using namespace quittance;
using app::Json;
using quittance::testing::Clinic;

namespace {

// Applies an event the way the device does: command id "srv-<seq>".
Json apply(Clinic& c, std::int64_t seq, const std::string& kind, const Json& data) {
  return c.commands().exec({{"cmd", "server_event.apply"},
                            {"id", "srv-" + std::to_string(seq)},
                            {"event", {{"seq", seq}, {"kind", kind}, {"data", data}}}});
}

Json paid(const std::string& patient, const std::string& invoice, std::int64_t amount, const std::string& pi = "pi_1") {
  return {
      {"payment_intent_id", pi}, {"invoice_id", invoice},  {"patient_id", patient}, {"amount", amount}, {"fee", 123},
      {"currency", "EUR"},       {"paid_on", "2026-11-21"}};
}

}  // namespace

TEST_CASE("a card payment settles its invoice, keeps Stripe's fee, and is recorded once") {
  Clinic c;
  const std::string p = c.patient("Hélène Crête");
  const std::string inv = c.invoice(p, 6500);
  Json first = apply(c, 7, "payment.succeeded", paid(p, inv, 6500));
  REQUIRE(first["ok"] == true);
  CHECK(first["result"]["applied"] == true);
  CHECK(c.status(inv) == "paid");
  const Json payments = c.query({{"cmd", "payment.list"}, {"patient_id", p}})["items"];
  REQUIRE(payments.size() == 1);
  CHECK(payments[0]["payment_type_id"] == "card_online");
  CHECK(payments[0]["fee"] == 123);
  CHECK(payments[0]["amount"] == 6500);
  CHECK(payments[0]["processor_ref"] == "pi_1");
  CHECK(payments[0]["paid_on"] == "2026-11-21");

  // The same event again (the pull after the charge's own answer): a replay, nothing new.
  Json again = apply(c, 7, "payment.succeeded", paid(p, inv, 6500));
  CHECK(again["replayed"] == true);
  // The same payment under another event (never from one server; say a restored device): not twice.
  Json other = apply(c, 8, "payment.succeeded", paid(p, inv, 6500));
  CHECK(other["result"]["applied"] == false);
  CHECK(c.query({{"cmd", "payment.list"}, {"patient_id", p}})["items"].size() == 1);
  CHECK(c.balance(p)["balance"] == 0);
}

TEST_CASE("a card payment larger than what is still due leaves the rest as account credit") {
  Clinic c;
  const std::string p = c.patient("Noël Œuvrard");
  const std::string inv = c.invoice(p, 6500);
  c.exec({{"cmd", "payment.create"},
          {"patient_id", p},
          {"payment_type_id", "cash"},
          {"amount", 2000},
          {"allocations", {{{"invoice_id", inv}, {"amount", 2000}}}}});
  Json r = apply(c, 1, "payment.succeeded", paid(p, inv, 6500));
  REQUIRE(r["ok"] == true);
  CHECK(r["result"]["allocated"] == 4500);
  CHECK(r["result"]["credit"] == 2000);
  CHECK(c.status(inv) == "paid");
  CHECK(c.balance(p)["credit"] == 2000);
}

TEST_CASE("a payment for a patient not known here is refused, so the device tries again later") {
  Clinic c;
  Json r = apply(c, 3, "payment.succeeded", paid("patient-from-elsewhere", "invoice-x", 1000));
  CHECK(r["ok"] == false);
  CHECK(r["error"]["code"] == "not_found");
  CHECK(r["error"]["field"] == "event.data.patient_id");
}

TEST_CASE("a Stripe refund is recorded against its card payment, once; before its payment it waits") {
  Clinic c;
  const std::string p = c.patient("Zoé Lefèvre");
  const std::string inv = c.invoice(p, 8000);
  const Json refund = {
      {"refund_id", "re_1"}, {"payment_intent_id", "pi_9"}, {"invoice_id", inv},         {"patient_id", p},
      {"amount", 3000},      {"refunded_on", "2026-11-22"}, {"reason", "Séance annulée"}};
  CHECK(apply(c, 1, "refund.succeeded", refund)["error"]["code"] == "not_found");
  REQUIRE(apply(c, 2, "payment.succeeded", paid(p, inv, 8000, "pi_9"))["ok"] == true);
  Json r = apply(c, 3, "refund.succeeded", refund);
  REQUIRE(r["ok"] == true);
  CHECK(r["result"]["amount"] == 3000);
  CHECK(c.balance(p)["refunded"] == 3000);
  CHECK(c.due(inv) == 3000);  // the refund took back what it had paid
  CHECK(apply(c, 4, "refund.succeeded", refund)["result"]["applied"] == false);
  CHECK(c.balance(p)["refunded"] == 3000);
  Json too_much = refund;
  too_much["refund_id"] = "re_2";
  too_much["amount"] = 5001;
  CHECK(apply(c, 5, "refund.succeeded", too_much)["error"]["code"] == "refund_exceeds_refundable");
}

TEST_CASE("saved cards and declined attempts show on the patient's file") {
  Clinic c;
  const std::string p = c.patient("Anaïs Bréhat");
  REQUIRE(
      apply(c, 1, "card.saved",
            {{"patient_id", p}, {"brand", "visa"}, {"last4", "4242"}, {"exp_month", 12}, {"exp_year", 2030}})["ok"] ==
      true);
  REQUIRE(apply(c, 2, "payment.failed",
                {{"patient_id", p},
                 {"invoice_id", "i"},
                 {"amount", 3000},
                 {"code", "card_declined"},
                 {"decline_code", "insufficient_funds"}})["ok"] == true);
  const Json cards = c.query({{"cmd", "card.list"}, {"patient_id", p}});
  REQUIRE(cards["items"].size() == 1);
  CHECK(cards["items"][0]["last4"] == "4242");
  REQUIRE(cards["attempts"].size() == 1);
  CHECK(cards["attempts"][0]["decline_code"] == "insufficient_funds");
  REQUIRE(
      apply(c, 6, "card.removed",
            {{"patient_id", p}, {"brand", "visa"}, {"last4", "4242"}, {"exp_month", 12}, {"exp_year", 2030}})["ok"] ==
      true);
  CHECK(c.query({{"cmd", "card.list"}, {"patient_id", p}})["items"].empty());
  // For a patient this device does not hold, a card is not an error (nothing to lose).
  CHECK(apply(c, 3, "card.saved",
              {{"patient_id", "elsewhere"}, {"brand", "visa"}, {"last4", "1"}})["result"]["applied"] == false);
  // A kind this version does not know is acknowledged, so a newer server does not block the pull.
  CHECK(apply(c, 4, "appointment.confirmed", Json::object())["result"]["applied"] == false);
  CHECK(apply(c, 5, "payment.succeeded", "not an object")["error"]["code"] == "invalid_argument");
}

TEST_CASE("the fee of a payment is checked like an amount") {
  Clinic c;
  const std::string p = c.patient("Bruno Faure");
  CHECK(c.refusal({{"cmd", "payment.create"},
                   {"patient_id", p},
                   {"payment_type_id", "card_terminal"},
                   {"amount", 1000},
                   {"fee", 1001}}) == "invalid_amount");
  CHECK(c.refusal({{"cmd", "payment.create"},
                   {"patient_id", p},
                   {"payment_type_id", "card_terminal"},
                   {"amount", 1000},
                   {"fee", -1}}) == "invalid_amount");
  c.exec({{"cmd", "payment.create"},
          {"patient_id", p},
          {"payment_type_id", "card_terminal"},
          {"amount", 1000},
          {"fee", 30}});
  CHECK(c.query({{"cmd", "payment.list"}, {"patient_id", p}})["items"][0]["fee"] == 30);
}

TEST_CASE("a card payment made through Stripe is corrected by a refund, never edited nor deleted") {
  Clinic c;
  const std::string p = c.patient("Bruno Faure");
  const std::string inv = c.invoice(p, 3000);
  REQUIRE(apply(c, 1, "payment.succeeded", paid(p, inv, 3000, "pi_7"))["ok"] == true);
  const std::string id = c.query({{"cmd", "payment.list"}, {"patient_id", p}})["items"][0]["payment_id"];
  CHECK(c.refusal({{"cmd", "payment.update"}, {"payment_id", id}, {"reason", "x"}, {"amount", 1000}}) == "payment_processed");
  CHECK(c.refusal({{"cmd", "payment.delete"}, {"payment_id", id}, {"reason", "x"}}) == "payment_processed");
  CHECK(c.status(inv) == "paid");
}
