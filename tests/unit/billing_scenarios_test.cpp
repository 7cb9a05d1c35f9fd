// The payment workflows of seed 000 (../shared/seeds/000_*.txt), each as a story with exact
// amounts, plus the refusals the billing core owes a practitioner.
#include <doctest/doctest.h>

#include "billing_clinic.h"

using quittance::testing::Clinic;
using quittance::testing::Json;

TEST_CASE("recording a payment: the invoice goes from « à payer » to « payée », or stays partly paid") {
  Clinic c;
  std::string lea = c.patient("Léa Moreau");
  std::string inv = c.invoice(lea, 6000);
  CHECK(c.status(inv) == "due");
  CHECK(c.invoice_state(inv)["number"] == "F-2026-A-000001");
  c.exec({{"cmd", "payment.create"}, {"patient_id", lea}, {"payment_type_id", "cash"}, {"amount", 2500},
          {"paid_on", "2026-11-02"}, {"allocations", {{{"invoice_id", inv}, {"amount", 2500}}}}});
  CHECK(c.status(inv) == "partly_paid");
  CHECK(c.due(inv) == 3500);
  c.exec({{"cmd", "payment.create"}, {"patient_id", lea}, {"payment_type_id", "card_terminal"}, {"amount", 3500},
          {"allocations", {{{"invoice_id", inv}, {"amount", 3500}}}}});
  CHECK(c.status(inv) == "paid");
  CHECK(c.due(inv) == 0);
  CHECK(c.invoice_state(inv)["allocations"].size() == 2);
}

TEST_CASE("a deposit (acompte) then « Payer depuis le compte », with the remaining credit shown") {
  Clinic c;
  std::string tom = c.patient("Tom Bernard");
  // 100 € taken at the first visit, before any invoice: account credit.
  Json deposit = c.exec({{"cmd", "payment.create"}, {"patient_id", tom}, {"payment_type_id", "transfer"}, {"amount", 10000}});
  CHECK(deposit["credit"] == 10000);
  CHECK(c.balance(tom)["credit"] == 10000);
  CHECK(c.balance(tom)["balance"] == -10000);

  std::string first = c.invoice(tom, 4500);
  Json paid = c.exec({{"cmd", "invoice.pay_from_account"}, {"invoice_id", first}, {"amount", 4500}});
  CHECK(paid["credit_left"] == 5500);
  CHECK(c.status(first) == "paid");

  std::string second = c.invoice(tom, 6000);
  CHECK(c.refusal({{"cmd", "invoice.pay_from_account"}, {"invoice_id", second}, {"amount", 6000}}) == "insufficient_credit");
  CHECK(c.status(second) == "due");  // the refused command changed nothing
  c.exec({{"cmd", "invoice.pay_from_account"}, {"invoice_id", second}, {"amount", 5500}});
  CHECK(c.due(second) == 500);
  CHECK(c.balance(tom)["credit"] == 0);
  CHECK(c.balance(tom)["balance"] == 500);
}

TEST_CASE("a credit note that does not cover the invoice, plus a top-up payment") {
  Clinic c;
  std::string ines = c.patient("Inès Garnier");
  std::string inv = c.invoice(ines, 8000);
  Json avoir = c.exec({{"cmd", "credit_note.create"}, {"patient_id", ines}, {"invoice_id", inv},
                       {"note", "Séance écourtée"}, {"internal_note", "Retard du praticien"},
                       {"lines", {{{"label", "Geste non réalisé"}, {"unit_price", 3000}}}}});
  CHECK(avoir["number"] == "AV-2026-A-000001");
  CHECK(avoir["total"] == 3000);
  c.exec({{"cmd", "credit_note.apply"}, {"credit_note_id", avoir["credit_note_id"]}, {"invoice_id", inv}, {"amount", 3000}});
  CHECK(c.status(inv) == "partly_paid");
  CHECK(c.due(inv) == 5000);
  // Applied twice: nothing is left on it.
  CHECK(c.refusal({{"cmd", "credit_note.apply"}, {"credit_note_id", avoir["credit_note_id"]}, {"invoice_id", inv},
                   {"amount", 1}}) == "credit_note_exhausted");
  c.exec({{"cmd", "payment.create"}, {"patient_id", ines}, {"payment_type_id", "cheque"}, {"amount", 5000},
          {"reference", "Chèque n° 1234567"}, {"allocations", {{{"invoice_id", inv}, {"amount", 5000}}}}});
  CHECK(c.status(inv) == "paid");
  Json b = c.balance(ines);
  CHECK(b["invoiced"] == 8000);
  CHECK(b["credited"] == 3000);
  CHECK(b["paid"] == 5000);
  CHECK(b["balance"] == 0);
}

TEST_CASE("a refund by hand with a custom « Remboursement » payment type") {
  Clinic c;
  std::string type = c.exec({{"cmd", "payment_type.create"}, {"label", "Remboursement"}})["payment_type_id"];
  std::string hugo = c.patient("Hugo Petit");
  std::string inv = c.invoice(hugo, 5000);
  std::string pay = c.exec({{"cmd", "payment.create"}, {"patient_id", hugo}, {"payment_type_id", "cash"}, {"amount", 7000},
                            {"allocations", {{{"invoice_id", inv}, {"amount", 5000}}}}})["payment_id"];
  CHECK(c.balance(hugo)["credit"] == 2000);
  // Too much: only what is left on the account can go back without touching the paid invoice.
  CHECK(c.refusal({{"cmd", "refund.create"}, {"patient_id", hugo}, {"amount", 2001}, {"payment_type_id", type},
                   {"reason", "Trop-perçu"}}) == "refund_exceeds_refundable");
  c.exec({{"cmd", "refund.create"}, {"patient_id", hugo}, {"amount", 2000}, {"payment_type_id", type},
          {"reason", "Trop-perçu"}, {"details", "Rendu en espèces au cabinet"}});
  Json b = c.balance(hugo);
  CHECK(b["credit"] == 0);
  CHECK(b["refunded"] == 2000);
  CHECK(b["balance"] == 0);
  CHECK(c.status(inv) == "paid");
  // A payment's refund may take back what it paid: the invoice is due again.
  c.exec({{"cmd", "refund.create"}, {"patient_id", hugo}, {"payment_id", pay}, {"amount", 5000}, {"payment_type_id", type},
          {"reason", "Annulation du forfait"}});
  CHECK(c.status(inv) == "due");
  CHECK(c.refusal({{"cmd", "refund.create"}, {"patient_id", hugo}, {"payment_id", pay}, {"amount", 1},
                   {"payment_type_id", type}, {"reason", "Encore"}}) == "refund_exceeds_refundable");
}

TEST_CASE("deleting a payment puts the invoice back to « à payer »; editing it follows too") {
  Clinic c;
  std::string zoe = c.patient("Zoé Lambert");
  std::string inv = c.invoice(zoe, 4000);
  std::string pay = c.exec({{"cmd", "payment.create"}, {"patient_id", zoe}, {"payment_type_id", "cash"}, {"amount", 4000},
                            {"allocations", {{{"invoice_id", inv}, {"amount", 4000}}}}})["payment_id"];
  CHECK(c.status(inv) == "paid");
  c.exec({{"cmd", "payment.update"}, {"payment_id", pay}, {"amount", 3000}, {"reason", "Erreur de saisie"}});
  CHECK(c.status(inv) == "partly_paid");
  CHECK(c.due(inv) == 1000);
  CHECK(c.refusal({{"cmd", "payment.delete"}, {"payment_id", pay}}) == "invalid_argument");  // a reason is required
  c.exec({{"cmd", "payment.delete"}, {"payment_id", pay}, {"reason", "Chèque refusé par la banque"}});
  CHECK(c.status(inv) == "due");
  CHECK(c.due(inv) == 4000);
  CHECK(c.refusal({{"cmd", "payment.delete"}, {"payment_id", pay}, {"reason", "Encore"}}) == "payment_deleted");
  Json journal = c.query({{"cmd", "journal.list"}})["items"];
  CHECK(journal.back()["name"] == "payment.delete");
  CHECK(journal.back()["command"]["reason"] == "Chèque refusé par la banque");
}

TEST_CASE("issuing numbers invoices without gaps; drafts consume none; issued invoices are frozen") {
  Clinic c;
  std::string p = c.patient("Paul Roux");
  Json line = {{{"label", "Bilan"}, {"unit_price", 5000}}};
  std::string draft = c.exec({{"cmd", "invoice.create"}, {"patient_id", p}, {"lines", line}})["invoice_id"];
  c.exec({{"cmd", "invoice.delete"}, {"invoice_id", draft}});
  std::string a = c.invoice(p, 5000, "Bilan", "2026-11-02");
  std::string b = c.invoice(p, 5000, "Bilan", "2026-11-03");
  CHECK(c.invoice_state(a)["number"] == "F-2026-A-000001");
  CHECK(c.invoice_state(b)["number"] == "F-2026-A-000002");
  CHECK(c.refusal({{"cmd", "invoice.update"}, {"invoice_id", a}, {"notes", "x"}}) == "invoice_not_draft");
  CHECK(c.refusal({{"cmd", "invoice.delete"}, {"invoice_id", a}}) == "invoice_not_draft");
  // Numbers follow the calendar: no issue dated before the last one.
  std::string late = c.exec({{"cmd", "invoice.create"}, {"patient_id", p}, {"lines", line}})["invoice_id"];
  CHECK(c.refusal({{"cmd", "invoice.issue"}, {"invoice_id", late}, {"issued_on", "2026-11-01"}}) == "date_before_last_number");
  // Another device's series never collides.
  c.exec({{"cmd", "settings.set"}, {"key", "device.series"}, {"value", "B"}});
  c.exec({{"cmd", "invoice.issue"}, {"invoice_id", late}, {"issued_on", "2026-11-01"}});
  CHECK(c.invoice_state(late)["number"] == "F-2026-B-000001");
}

TEST_CASE("cancelling an issued invoice: a credit note settles it, its payment becomes credit") {
  Clinic c;
  std::string p = c.patient("Nina Faure");
  std::string inv = c.invoice(p, 7000);
  c.exec({{"cmd", "payment.create"}, {"patient_id", p}, {"payment_type_id", "cash"}, {"amount", 2000},
          {"allocations", {{{"invoice_id", inv}, {"amount", 2000}}}}});
  Json cancel = c.exec({{"cmd", "invoice.cancel"}, {"invoice_id", inv}, {"reason", "Facture émise par erreur"}});
  CHECK(cancel["credit_note_number"] == "AV-2026-A-000001");
  CHECK(c.status(inv) == "cancelled");
  CHECK(c.due(inv) == 0);
  Json b = c.balance(p);
  CHECK(b["credit"] == 2000);
  CHECK(b["balance"] == -2000);
  CHECK(c.refusal({{"cmd", "invoice.cancel"}, {"invoice_id", inv}, {"reason", "x"}}) == "invoice_cancelled");
  CHECK(c.refusal({{"cmd", "payment.create"}, {"patient_id", p}, {"payment_type_id", "cash"}, {"amount", 100},
                   {"allocations", {{{"invoice_id", inv}, {"amount", 100}}}}}) == "invoice_not_payable");
}

TEST_CASE("editing a tax rate never changes an issued invoice") {
  Clinic c;
  std::string rate = c.exec({{"cmd", "tax_rate.create"}, {"name", "TVA 20 %"}, {"rate_bp", 2000}})["tax_rate_id"];
  std::string service = c.exec({{"cmd", "service.create"}, {"code", "OST"}, {"label", "Séance d'ostéopathie"},
                                {"unit_price", 6000}, {"tax_rate_id", rate}})["service_id"];
  std::string p = c.patient("Emma Girard");
  std::string inv = c.exec({{"cmd", "invoice.create"}, {"patient_id", p},
                            {"lines", {{{"service_id", service}, {"quantity", "1,5"}}}}})["invoice_id"];
  c.exec({{"cmd", "invoice.issue"}, {"invoice_id", inv}});
  CHECK(c.invoice_state(inv)["total"] == 10800);  // 90,00 € + 20 %
  c.exec({{"cmd", "tax_rate.update"}, {"tax_rate_id", rate}, {"rate_bp", 1000}});
  c.exec({{"cmd", "service.update"}, {"service_id", service}, {"unit_price", 9900}});
  Json after = c.invoice_state(inv);
  CHECK(after["total"] == 10800);
  CHECK(after["lines"][0]["tax_rate_bp"] == 2000);
  CHECK(after["lines"][0]["label"] == "Séance d'ostéopathie");
}

TEST_CASE("bad input is refused with a clear code and changes nothing") {
  Clinic c;
  std::string p = c.patient("Léo Chevalier");
  std::string other = c.patient("Jade Blanc");
  std::string inv = c.invoice(p, 5000);
  std::string draft = c.exec({{"cmd", "invoice.create"}, {"patient_id", p},
                              {"lines", {{{"label", "Séance"}, {"unit_price", 5000}}}}})["invoice_id"];
  auto pay = [&](Json amount, Json allocations) {
    return c.refusal({{"cmd", "payment.create"}, {"patient_id", p}, {"payment_type_id", "cash"}, {"amount", amount},
                      {"allocations", allocations}});
  };
  CHECK(pay(-100, Json::array()) == "invalid_amount");
  CHECK(pay(0, Json::array()) == "invalid_amount");
  CHECK(pay(12.5, Json::array()) == "invalid_amount");
  CHECK(pay("12,50", Json::array()) == "invalid_amount");
  CHECK(pay(5000, {{{"invoice_id", draft}, {"amount", 5000}}}) == "invoice_not_payable");
  CHECK(pay(6000, {{{"invoice_id", inv}, {"amount", 6000}}}) == "allocation_exceeds_due");
  CHECK(pay(1000, {{{"invoice_id", inv}, {"amount", 2000}}}) == "allocation_exceeds_payment");
  CHECK(pay(1000, {{{"invoice_id", "nope"}, {"amount", 1000}}}) == "not_found");
  CHECK(c.refusal({{"cmd", "payment.create"}, {"patient_id", other}, {"payment_type_id", "cash"}, {"amount", 1000},
                   {"allocations", {{{"invoice_id", inv}, {"amount", 1000}}}}}) == "wrong_patient");
  CHECK(c.refusal({{"cmd", "payment.create"}, {"patient_id", p}, {"payment_type_id", "account"}, {"amount", 1000}}) ==
        "payment_type_not_money");
  CHECK(c.refusal({{"cmd", "invoice.create"}, {"patient_id", p}, {"lines", Json::array()}}) == "invalid_argument");
  CHECK(c.refusal({{"cmd", "invoice.create"}, {"patient_id", p},
                   {"lines", {{{"label", "x"}, {"unit_price", 100}, {"quantity", "1,2345"}}}}}) == "invalid_argument");
  CHECK(c.refusal({{"cmd", "invoice.create"}, {"patient_id", "ghost"}, {"lines", {{{"label", "x"}, {"unit_price", 1}}}}}) ==
        "not_found");
  Json answer = c.try_exec({{"cmd", "invoice.create"}, {"patient_id", p},
                            {"lines", {{{"label", "x"}, {"unit_price", 100}, {"service_date", "2026-02-30"}}}}});
  CHECK(answer["error"]["field"] == "lines[0].service_date");
  CHECK(c.refusal({{"cmd", "settings.set"}, {"key", "practice.currency"}, {"value", "CHF"}}) == "currency_locked");
  // None of it left a trace: the same balance, one payment-free invoice, an intact journal.
  CHECK(c.balance(p)["due"] == 5000);
  CHECK(c.balance(p)["paid"] == 0);
  CHECK(c.query({{"cmd", "audit.verify"}})["intact"] == true);
}

TEST_CASE("aged receivables sort what is due by the age of its invoice") {
  Clinic c({2026, 11, 30});
  std::string p = c.patient("Camille Durand");
  c.invoice(p, 1000, "A", "2026-07-01");  // 152 days: over 90
  c.invoice(p, 2000, "B", "2026-09-01");  // 90 days: 61-90
  c.invoice(p, 3000, "C", "2026-10-01");  // 60 days: 31-60
  std::string d = c.invoice(p, 4000, "D", "2026-10-31");  // 30 days: 0-30
  c.exec({{"cmd", "payment.create"}, {"patient_id", p}, {"payment_type_id", "cash"}, {"amount", 1500},
          {"allocations", {{{"invoice_id", d}, {"amount", 1500}}}}});
  Json aged = c.query({{"cmd", "receivables.aged"}});
  CHECK(aged["buckets"] == Json::parse(R"([{"bucket":"0-30","due":2500},{"bucket":"31-60","due":3000},
                                            {"bucket":"61-90","due":2000},{"bucket":"90+","due":1000}])"));
  CHECK(aged["total"] == 8500);
}

TEST_CASE("processing fees: absorbed by default; passing them on grosses the charge up") {
  Clinic c;
  Json absorbed = c.query({{"cmd", "fees.quote"}, {"amount", 10000}});
  CHECK(absorbed["charge"] == 10000);
  CHECK(absorbed["fee"] == 320);  // 2,9 % + 0,30 €
  c.exec({{"cmd", "settings.set"}, {"key", "billing.pass_fees"}, {"value", "1"}});
  Json passed = c.query({{"cmd", "fees.quote"}, {"amount", 10000}});
  CHECK(passed["charge"] == 10330);
  CHECK(passed["warning"] == "surcharge_forbidden_eu");
}

TEST_CASE("the invoice list: filters, search by number or name, pages newest first") {
  Clinic c({2026, 11, 30});
  std::string lea = c.patient("Léa Moreau");
  std::string marc = c.patient("Marc Lefebvre");
  std::vector<std::string> ids;
  for (int day = 1; day <= 9; ++day) {
    const std::string date = "2026-11-0" + std::to_string(day);
    ids.push_back(c.invoice(day % 3 ? lea : marc, 1000 * day, "Séance", date.c_str()));
  }
  c.exec({{"cmd", "payment.create"}, {"patient_id", lea}, {"payment_type_id", "cash"}, {"amount", 1000},
          {"allocations", {{{"invoice_id", ids[0]}, {"amount", 1000}}}}});
  c.exec({{"cmd", "invoice.create"}, {"patient_id", marc}, {"lines", {{{"label", "Brouillon"}, {"unit_price", 1}}}}});
  auto list = [&](Json filters) {
    filters["cmd"] = "invoice.list";
    return c.query(filters);
  };
  Json all = list({{"limit", 4}});
  CHECK(all["total"] == 10);
  REQUIRE(all["items"].size() == 4);
  CHECK(all["items"][0]["number"] == "F-2026-A-000009");  // newest first
  CHECK(list({{"limit", 4}, {"offset", 8}})["items"][0]["number"] == "F-2026-A-000001");
  CHECK(list({{"limit", 4}, {"offset", 8}})["items"][1]["status"] == "draft");  // drafts last
  CHECK(list({{"status", "paid"}})["total"] == 1);
  CHECK(list({{"status", "due"}})["total"] == 8);
  CHECK(list({{"patient_id", marc}})["total"] == 4);  // 3 issued + the draft
  CHECK(list({{"from", "2026-11-03"}, {"to", "2026-11-05"}})["total"] == 3);
  CHECK(list({{"search", "f-2026-a-00000"}})["total"] == 9);
  CHECK(list({{"search", "F-2026-A-000007"}})["items"][0]["invoice_id"] == ids[6]);
  CHECK(list({{"search", "lef"}})["total"] == 4);
  CHECK(list({{"search", "lef"}, {"status", "due"}})["total"] == 3);
  CHECK(list({{"search", "lea"}})["total"] == 6);  // « Léa », accents ignored
  CHECK(list({{"search", "moreau léa"}})["total"] == 6);  // every word, in any order
  CHECK(list({{"search", "%"}})["total"] == 0);
  CHECK(list({{"search", "\"lef"}})["total"] == 4);  // a quote is punctuation, not FTS syntax
  CHECK(list({{"search", "lef OR x*"}})["total"] == 0);  // nor are operators
  Json patients = c.query({{"cmd", "patient.list"}, {"search", "lef"}});
  CHECK(patients["total"] == 1);
  CHECK(patients["items"][0]["name"] == "Marc Lefebvre");
  CHECK(c.query({{"cmd", "patient.list"}})["total"] == 2);
  CHECK(c.commands().query({{"cmd", "invoice.list"}, {"status", "unpaid"}})["error"]["code"] == "invalid_argument");
}
