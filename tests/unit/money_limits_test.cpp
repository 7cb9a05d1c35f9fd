// Bad input that used to corrupt money or fail late (docs/commands.md, « One ceiling for every
// amount », « Refundable »): amounts up to the 64-bit limit, a refund out of a credit note that
// cancelled an unpaid invoice, errors named after the field as sent, an email with a line
// break, a server event with a field of the wrong type.
#include <doctest/doctest.h>

#include <limits>

#include "billing_clinic.h"
#include "core/money.h"

using namespace quittance;
using namespace quittance::testing;

TEST_CASE("every amount is at most 999 999,99, and the practice's books keep adding up") {
  Clinic c;
  const std::string p = c.patient("Léa Moreau");
  const Json huge_amounts[] = {core::kMaxAmount + 1, std::numeric_limits<std::int64_t>::max(),
                               std::numeric_limits<std::uint64_t>::max()};
  for (const Json& huge : huge_amounts) {
    CAPTURE(huge.dump());
    CHECK(c.refusal({{"cmd", "payment.create"}, {"patient_id", p}, {"payment_type_id", "cash"}, {"amount", huge}}) ==
          "amount_too_large");
    CHECK(c.refusal({{"cmd", "invoice.create"}, {"patient_id", p},
                     {"lines", {{{"label", "Séance"}, {"unit_price", huge}}}}}) == "amount_too_large");
  }
  // A document's total too: 11 lines of 99 999,99 are more than the ceiling.
  Json lines = Json::array();
  for (int i = 0; i < 11; ++i) lines.push_back({{"label", "Séance"}, {"unit_price", 9'999'999}});
  CHECK(c.refusal({{"cmd", "invoice.create"}, {"patient_id", p}, {"lines", lines}}) == "amount_too_large");
  // The ceiling itself is taken, and the screens' sums still read.
  c.exec({{"cmd", "payment.create"}, {"patient_id", p}, {"payment_type_id", "cash"}, {"amount", core::kMaxAmount}});
  CHECK(c.balance(p)["credit"] == core::kMaxAmount);
  CHECK(c.query({{"cmd", "dashboard.summary"}})["currency"] == "EUR");
  CHECK(c.query({{"cmd", "payment.list"}})["received"] == core::kMaxAmount);
}

TEST_CASE("a credit note that cancelled an unpaid invoice refunds nothing; a paid one's payment does") {
  Clinic c;
  const std::string p = c.patient("Léa Moreau");
  const std::string unpaid = c.invoice(p, 6000);
  const Json cancelled = c.exec({{"cmd", "invoice.cancel"}, {"invoice_id", unpaid}, {"reason", "Erreur"}});
  CHECK(c.refusal({{"cmd", "refund.create"}, {"patient_id", p}, {"payment_type_id", "cash"}, {"amount", 6000},
                   {"credit_note_id", cancelled["credit_note_id"]}, {"reason", "Remboursement"}}) ==
        "refund_exceeds_refundable");
  CHECK(c.refusal({{"cmd", "refund.create"}, {"patient_id", p}, {"payment_type_id", "cash"}, {"amount", 6000},
                   {"reason", "Remboursement"}}) == "refund_exceeds_refundable");
  // Paid, then cancelled: the payment went back to credit, and is what is refunded.
  const std::string paid = c.invoice(p, 4000);
  const std::string payment = c.exec({{"cmd", "payment.create"}, {"patient_id", p}, {"payment_type_id", "cash"},
                                      {"amount", 4000}, {"allocations", {{{"invoice_id", paid}, {"amount", 4000}}}}})
                                  ["payment_id"];
  const Json note = c.exec({{"cmd", "invoice.cancel"}, {"invoice_id", paid}, {"reason", "Erreur"}});
  CHECK(c.refusal({{"cmd", "refund.create"}, {"patient_id", p}, {"payment_type_id", "cash"}, {"amount", 4000},
                   {"credit_note_id", note["credit_note_id"]}, {"reason", "Remboursement"}}) ==
        "refund_exceeds_refundable");
  c.exec({{"cmd", "refund.create"}, {"patient_id", p}, {"payment_type_id", "cash"}, {"amount", 4000},
          {"payment_id", payment}, {"reason", "Remboursement"}});
  const Json b = c.balance(p);
  CHECK(b["refunded"] == 4000);
  CHECK(b["due"].get<std::int64_t>() - b["credit"].get<std::int64_t>() ==
        b["invoiced"].get<std::int64_t>() - b["credited"].get<std::int64_t>() - b["paid"].get<std::int64_t>() +
            b["refunded"].get<std::int64_t>());
}

TEST_CASE("an allocation's error names the allocation") {
  Clinic c;
  const std::string p = c.patient("Léa Moreau");
  const std::string a = c.invoice(p, 3000), b = c.invoice(p, 2000);
  const Json answer = c.try_exec({{"cmd", "payment.create"}, {"patient_id", p}, {"payment_type_id", "cash"},
                                  {"amount", 9000},
                                  {"allocations", {{{"invoice_id", a}, {"amount", 3000}}, {{"invoice_id", b}, {"amount", 5000}}}}});
  CHECK(answer["error"]["code"] == "allocation_exceeds_due");
  CHECK(answer["error"]["field"] == "allocations[1].amount");
  const Json bad = c.try_exec({{"cmd", "payment.create"}, {"patient_id", p}, {"payment_type_id", "cash"},
                               {"amount", 9000}, {"allocations", {{{"invoice_id", a}, {"amount", "30"}}}}});
  CHECK(bad["error"]["field"] == "allocations[0].amount");
}

TEST_CASE("a patient's email is checked when typed, not when the first email fails") {
  Clinic c;
  CHECK(c.refusal({{"cmd", "patient.create"}, {"name", "Léa"}, {"email", "lea@example.fr\r\nBcc: x@evil.test"}}) ==
        "invalid_argument");
  CHECK(c.refusal({{"cmd", "patient.create"}, {"name", "Léa"}, {"email", "pas une adresse"}}) == "invalid_argument");
  const std::string p = c.exec({{"cmd", "patient.create"}, {"name", "Léa"}, {"email", "lea@example.fr"}})["patient_id"];
  CHECK(c.refusal({{"cmd", "patient.update"}, {"patient_id", p}, {"email", "lea@\nexample.fr"}}) == "invalid_argument");
  c.exec({{"cmd", "patient.update"}, {"patient_id", p}, {"email", ""}});  // none is fine
}

TEST_CASE("a server event with a field of the wrong type is the caller's error, not an internal one") {
  Clinic c;
  const std::string p = c.patient("Léa Moreau");
  const std::string inv = c.invoice(p, 3000);
  const Json answer = c.commands().exec(
      {{"cmd", "server_event.apply"}, {"id", "srv-1"},
       {"event", {{"seq", 1}, {"kind", "payment.succeeded"},
                  {"data", {{"payment_intent_id", "pi_1"}, {"invoice_id", inv}, {"patient_id", p}, {"amount", "3000"},
                            {"fee", 10}, {"currency", "EUR"}, {"paid_on", "2026-11-21"}}}}}});
  CHECK(answer["ok"] == false);
  CHECK(answer["error"]["code"] != "internal_error");
}
