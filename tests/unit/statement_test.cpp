// « Relevé de compte » (patient.statement, pdf/statement_pdf.h): a patient's invoices, credit
// notes, payments and refunds in date order with the running balance, brought forward from
// before the period; its closing balance is patient.balance's.
#include "pdf/statement_pdf.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "billing_clinic.h"
#include "pdf_text.h"

using quittance::testing::Clinic;
using quittance::testing::Json;
using quittance::testing::pdf_text;

TEST_CASE("statement: every movement with the running balance, brought forward, ending at patient.balance") {
  Clinic c({2026, 12, 7});
  c.exec({{"cmd", "settings.set"}, {"key", "practice.name"}, {"value", "Cabinet du Parc"}});
  const std::string lea = c.exec({{"cmd", "patient.create"}, {"title", "Mme"}, {"first_name", "Léa"}, {"last_name", "Martin"},
                                  {"address", "2 rue Haute\n69001 Lyon"}})["patient_id"];
  const std::string first = c.invoice(lea, 6000, "Séance", "2026-09-10");
  c.exec({{"cmd", "payment.create"}, {"patient_id", lea}, {"payment_type_id", "cash"}, {"amount", 6000},
          {"paid_on", "2026-09-10"}, {"allocations", {{{"invoice_id", first}, {"amount", 6000}}}}});
  const std::string second = c.invoice(lea, 8000, "Bilan", "2026-10-05");
  c.exec({{"cmd", "credit_note.create"}, {"patient_id", lea}, {"invoice_id", second}, {"issued_on", "2026-10-06"},
          {"lines", {{{"label", "Geste commercial"}, {"unit_price", 1000}}}}});
  c.exec({{"cmd", "payment.create"}, {"patient_id", lea}, {"payment_type_id", "cheque"}, {"amount", 5000},
          {"reference", "n° 1234567"}, {"paid_on", "2026-10-20"}, {"allocations", {{{"invoice_id", second}, {"amount", 5000}}}}});
  const std::string deposit =
      c.exec({{"cmd", "payment.create"}, {"patient_id", lea}, {"payment_type_id", "cash"}, {"amount", 3000}, {"paid_on", "2026-11-02"}})["payment_id"];
  c.exec({{"cmd", "refund.create"}, {"patient_id", lea}, {"amount", 1000}, {"payment_type_id", "cash"}, {"payment_id", deposit},
          {"reason", "Acompte en trop"}, {"refunded_on", "2026-11-03"}});

  const Json all = c.query({{"cmd", "patient.statement"}, {"patient_id", lea}});
  CHECK(all["closing_balance"] == c.balance(lea)["balance"]);
  CHECK(all["closing_balance"] == 6000 - 6000 + 8000 - 1000 - 5000 - 3000 + 1000);
  REQUIRE(all["lines"].size() == 7);
  CHECK(all["lines"][0]["label"] == "Facture " + c.invoice_state(first)["number"].get<std::string>());
  CHECK(all["lines"][0]["balance"] == 6000);
  CHECK(all["lines"][4]["label"] == "Paiement – Chèque (n° 1234567)");

  const Json autumn = c.query({{"cmd", "patient.statement"}, {"patient_id", lea}, {"from", "2026-10-01"}, {"to", "2026-10-31"}});
  CHECK(autumn["opening_balance"] == 0);  // September's invoice and its payment
  CHECK(autumn["lines"].size() == 3);
  CHECK(autumn["closing_balance"] == 8000 - 1000 - 5000);
  const Json november = c.query({{"cmd", "patient.statement"}, {"patient_id", lea}, {"from", "2026-11-01"}});
  CHECK(november["opening_balance"] == 2000);
  CHECK(november["closing_balance"] == all["closing_balance"]);

  const quittance::pdf::PdfResult pdf = quittance::pdf::statement_pdf(autumn);
  REQUIRE_MESSAGE(pdf.ok(), pdf.error);
  const std::string text = pdf_text(pdf.bytes);
  CAPTURE(text);
  for (const char* expected : {"RELEVÉ DE COMPTE", "Du 01/10/2026 au 31/10/2026", "Mme Léa Martin", "Solde reporté",
                               "Avoir", "Paiement – Chèque (n° 1234567)", "80,00 €", "Solde à régler au 31/10/2026",
                               "20,00 €", "Édité le 07/12/2026."}) {
    CHECK_MESSAGE(text.find(expected) != std::string::npos, "missing: ", expected);
  }
}
