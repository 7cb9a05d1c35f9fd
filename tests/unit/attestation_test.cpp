// The yearly « Attestation de paiement » (patient.attestation, pdf/attestation_pdf.h): the money
// a patient paid in the calendar year, less what was refunded, the acts it paid for, the
// practitioner's numbers and a signature block; other years and other patients left out.
#include "pdf/attestation_pdf.h"

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


TEST_CASE("attestation: a year's payments less its refunds, the acts they paid, the practitioner's numbers") {
  Clinic c({2026, 12, 7});
  for (const auto& [key, value] : {std::pair{"practice.name", "Sophie Garnier, psychologue"},
                                   std::pair{"practice.address", "5 place Carnot\n69002 Lyon"},
                                   std::pair{"practice.adeli", "699312345"}}) {
    c.exec({{"cmd", "settings.set"}, {"key", key}, {"value", value}});
  }
  const std::string lea = c.exec({{"cmd", "patient.create"}, {"title", "Mme"}, {"first_name", "Léa"}, {"last_name", "Martin"},
                                  {"birth_date", "1990-04-12"}})["patient_id"];
  const std::string other = c.patient("Paul Roux");
  // 2025: paid in 2025, outside the year asked.
  const std::string old = c.invoice(lea, 6000, "Séance de psychothérapie", "2025-12-15");
  c.exec({{"cmd", "payment.create"}, {"patient_id", lea}, {"payment_type_id", "cash"}, {"amount", 6000},
          {"paid_on", "2025-12-15"}, {"allocations", {{{"invoice_id", old}, {"amount", 6000}}}}});
  // 2026: two sessions, paid by cheque and cash; 10 € paid too much and refunded.
  const std::string first = c.invoice(lea, 6000, "Séance de psychothérapie", "2026-03-02");
  const std::string second = c.invoice(lea, 4500, "Entretien de suivi", "2026-06-10");
  c.exec({{"cmd", "payment.create"}, {"patient_id", lea}, {"payment_type_id", "cheque"}, {"amount", 7000},
          {"paid_on", "2026-03-02"}, {"allocations", {{{"invoice_id", first}, {"amount", 6000}}}}});
  c.exec({{"cmd", "payment.create"}, {"patient_id", lea}, {"payment_type_id", "cash"}, {"amount", 4500},
          {"paid_on", "2026-06-10"}, {"allocations", {{{"invoice_id", second}, {"amount", 4500}}}}});
  c.exec({{"cmd", "refund.create"}, {"patient_id", lea}, {"amount", 1000}, {"payment_type_id", "cash"},
          {"reason", "Trop-perçu"}, {"refunded_on", "2026-06-11"}});
  const std::string paul_invoice = c.invoice(other, 9900, "Bilan", "2026-06-12");
  c.exec({{"cmd", "payment.create"}, {"patient_id", other}, {"payment_type_id", "cash"}, {"amount", 9900},
          {"paid_on", "2026-06-12"}, {"allocations", {{{"invoice_id", paul_invoice}, {"amount", 9900}}}}});

  const Json a = c.query({{"cmd", "patient.attestation"}, {"patient_id", lea}, {"year", 2026}});
  CHECK(a["total_paid"] == 7000 + 4500 - 1000);
  CHECK(a["payments"].size() == 2);
  CHECK(a["refunds"].size() == 1);
  REQUIRE(a["acts"].size() == 2);
  CHECK(a["acts"][0]["label"] == "Séance de psychothérapie");
  CHECK(a["acts"][0]["date"] == "2026-03-02");
  CHECK(c.query({{"cmd", "patient.attestation"}, {"patient_id", lea}, {"year", 2025}})["total_paid"] == 6000);
  CHECK(c.refusal({{"cmd", "patient.attestation"}, {"patient_id", lea}, {"year", 26}}) == "invalid_argument");

  const quittance::pdf::PdfResult pdf = quittance::pdf::attestation_pdf(a);
  REQUIRE_MESSAGE(pdf.ok(), pdf.error);
  const std::string text = pdf_text(pdf.bytes);
  CAPTURE(text);
  for (const char* expected :
       {"ATTESTATION DE PAIEMENT", "Année 2026", "Sophie Garnier, psychologue", "ADELI : 699312345",
        "Mme Léa", "(née le 12/04/1990)", "la somme de 105,00 € en 2026", "Séance de psychothérapie",
        "Entretien de suivi", "02/03/2026", "Chèque", "70,00 €", "Remboursement (Espèces)", "-10,00 €",
        "Total réglé en 2026", "105,00 €", "Fait le 07/12/2026.", "Signature et cachet"}) {
    CHECK_MESSAGE(text.find(expected) != std::string::npos, "missing: ", expected);
  }
  CHECK(text.find("Bilan") == std::string::npos);  // another patient's
  CHECK(text.find("15/12/2025") == std::string::npos);  // another year's
}
