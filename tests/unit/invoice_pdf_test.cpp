// An invoice's PDF (pdf/invoice_pdf.h) from invoice.document, read back with poppler's
// pdftotext as any PDF reader would: the practice and its mentions, the payer, the number,
// the lines, the totals, the payments received and what is due, accents and the euro sign.
#include "pdf/invoice_pdf.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "billing_clinic.h"
#include "pdf_text.h"
#include "pdf/winansi.h"

using quittance::testing::Clinic;
using quittance::testing::Json;
using quittance::testing::pdf_text;


TEST_CASE("pdf: an invoice paid in part, billed to a payer, in French") {
  Clinic c({2026, 11, 21});
  for (const auto& [key, value] : {std::pair{"practice.name", "Cabinet Hélène Crête"},
                                   std::pair{"practice.address", "12 rue de l’Église\n69001 Lyon"},
                                   std::pair{"practice.siret", "12345678901234"},
                                   std::pair{"practice.rpps", "10101010101"}}) {
    c.exec({{"cmd", "settings.set"}, {"key", key}, {"value", value}});
  }
  const std::string patient = c.patient("Zoé Lefèvre");
  const std::string payer = c.exec({{"cmd", "contact.create"}, {"patient_id", patient}, {"name", "Agnès Lefèvre"},
                                    {"relation", "mère"}, {"address", "3 place Bellecour\n69002 Lyon"}})["contact_id"];
  const std::string invoice = c.exec({{"cmd", "invoice.create"},
                                      {"patient_id", patient},
                                      {"contact_id", payer},
                                      {"lines", {{{"label", "Séance d’ostéopathie « première visite »"},
                                                  {"unit_price", 6500},
                                                  {"service_date", "2026-11-20"}},
                                                 {{"label", "Bilan postural"}, {"unit_price", 123456}}}}})["invoice_id"];
  const std::string number = c.exec({{"cmd", "invoice.issue"}, {"invoice_id", invoice}, {"issued_on", "2026-11-21"}})["number"];
  c.exec({{"cmd", "payment.create"}, {"patient_id", patient}, {"payment_type_id", "cash"}, {"amount", 2000},
          {"allocations", {{{"invoice_id", invoice}, {"amount", 2000}}}}});

  const Json document = c.query({{"cmd", "invoice.document"}, {"invoice_id", invoice}});
  CHECK(document["bill_to"]["name"] == "Agnès Lefèvre");
  const quittance::pdf::PdfResult pdf = quittance::pdf::invoice_pdf(document);
  REQUIRE_MESSAGE(pdf.ok(), pdf.error);
  CHECK(std::string(pdf.bytes.begin(), pdf.bytes.begin() + 5) == "%PDF-");

  const std::string text = pdf_text(pdf.bytes);
  CAPTURE(text);
  for (const std::string& expected :
       {std::string("Cabinet Hélène Crête"), std::string("12 rue de l’Église"), std::string("SIRET : 12345678901234"),
        std::string("RPPS : 10101010101"), std::string("FACTURE"), "N° " + number, std::string("Date : 21/11/2026"),
        std::string("Facturé à"), std::string("Agnès Lefèvre"), std::string("3 place Bellecour"),
        std::string("Patient : Zoé Lefèvre"), std::string("Séance d’ostéopathie « première visite »"),
        std::string("20/11/2026"), std::string("65,00 €"), std::string("1 234,56 €"),
        std::string("1 299,56 €"), std::string("Paiements reçus"), std::string("Espèces"), std::string("20,00 €"),
        std::string("Reste dû"), std::string("1 279,56 €"), std::string("Exonération de TVA – article 261-4-1° du CGI"),
        std::string("Cabinet Hélène Crête – EI"), std::string("Page 1 / 1")}) {
    CHECK_MESSAGE(text.find(expected) != std::string::npos, "missing: ", expected);
  }
}

TEST_CASE("pdf: an invoice of a practice counting in CFP francs shows whole XPF, never euros") {
  Clinic c({2026, 11, 21});
  c.exec({{"cmd", "settings.set"}, {"key", "practice.currency"}, {"value", "XPF"}});
  const std::string patient = c.patient("Teva Tehei");
  const std::string invoice = c.exec({{"cmd", "invoice.create"},
                                      {"patient_id", patient},
                                      {"lines", {{{"label", "Séance d’ostéopathie"}, {"unit_price", 5000}}}}})["invoice_id"];
  c.exec({{"cmd", "invoice.issue"}, {"invoice_id", invoice}, {"issued_on", "2026-11-21"}});
  c.exec({{"cmd", "payment.create"}, {"patient_id", patient}, {"payment_type_id", "cash"}, {"amount", 2000},
          {"allocations", {{{"invoice_id", invoice}, {"amount", 2000}}}}});
  const quittance::pdf::PdfResult pdf = quittance::pdf::invoice_pdf(c.query({{"cmd", "invoice.document"}, {"invoice_id", invoice}}));
  REQUIRE_MESSAGE(pdf.ok(), pdf.error);
  const std::string text = pdf_text(pdf.bytes);
  CAPTURE(text);
  for (const char* expected : {"5 000 XPF", "2 000 XPF", "3 000 XPF"}) {
    CHECK_MESSAGE(text.find(expected) != std::string::npos, "missing: ", expected);
  }
  CHECK(text.find("€") == std::string::npos);
  CHECK(text.find("50,00") == std::string::npos);
}

TEST_CASE("pdf: the receipt of a paid invoice says « acquittée », when and how; an unpaid one has none") {
  Clinic c({2026, 11, 21});
  c.exec({{"cmd", "settings.set"}, {"key", "practice.name"}, {"value", "Cabinet Hélène Crête"}});
  const std::string patient = c.patient("Zoé Lefèvre");
  const std::string invoice = c.invoice(patient, 6500, "Séance d’ostéopathie", "2026-11-18");
  CHECK(c.query({{"cmd", "invoice.document"}, {"invoice_id", invoice}}).contains("receipt") == false);
  c.exec({{"cmd", "payment.create"}, {"patient_id", patient}, {"payment_type_id", "cash"}, {"amount", 2000},
          {"paid_on", "2026-11-18"}, {"allocations", {{{"invoice_id", invoice}, {"amount", 2000}}}}});
  const Json refused = c.commands().query({{"cmd", "invoice.document"}, {"invoice_id", invoice}, {"receipt", true}});
  CHECK(refused["error"]["code"] == "invoice_not_paid");
  c.exec({{"cmd", "payment.create"}, {"patient_id", patient}, {"payment_type_id", "cheque"}, {"amount", 4500},
          {"paid_on", "2026-11-20"}, {"allocations", {{{"invoice_id", invoice}, {"amount", 4500}}}}});

  const Json doc = c.query({{"cmd", "invoice.document"}, {"invoice_id", invoice}, {"receipt", true}});
  CHECK(doc["receipt"]["paid_on"] == "2026-11-20");
  const quittance::pdf::PdfResult pdf = quittance::pdf::invoice_pdf(doc);
  REQUIRE_MESSAGE(pdf.ok(), pdf.error);
  const std::string text = pdf_text(pdf.bytes);
  CAPTURE(text);
  for (const char* expected : {"FACTURE ACQUITTÉE", "Acquittée le 20/11/2026 par Espèces et Chèque.", "Reste dû",
                               "0,00 €", "Séance d’ostéopathie", "65,00 €"}) {
    CHECK_MESSAGE(text.find(expected) != std::string::npos, "missing: ", expected);
  }
}

TEST_CASE("pdf: a credit note names the invoice it corrects, where its credit went and what is left") {
  Clinic c({2026, 11, 21});
  c.exec({{"cmd", "settings.set"}, {"key", "practice.name"}, {"value", "Cabinet Hélène Crête"}});
  const std::string patient = c.patient("Zoé Lefèvre");
  const std::string invoice = c.exec({{"cmd", "invoice.create"},
                                      {"patient_id", patient},
                                      {"lines", {{{"label", "Séance d’ostéopathie"}, {"unit_price", 6500}}}}})["invoice_id"];
  const std::string number = c.exec({{"cmd", "invoice.issue"}, {"invoice_id", invoice}, {"issued_on", "2026-11-20"}})["number"];
  const Json note = c.exec({{"cmd", "credit_note.create"},
                            {"patient_id", patient},
                            {"invoice_id", invoice},
                            {"note", "Geste commercial : séance écourtée."},
                            {"internal_note", "ne pas imprimer"},
                            {"lines", {{{"label", "Séance écourtée"}, {"unit_price", 2500}}}}});
  c.exec({{"cmd", "credit_note.apply"}, {"credit_note_id", note["credit_note_id"]}, {"invoice_id", invoice}, {"amount", 1500}});
  const Json document = c.query({{"cmd", "credit_note.document"}, {"credit_note_id", note["credit_note_id"]}});
  const quittance::pdf::PdfResult pdf = quittance::pdf::invoice_pdf(document);
  REQUIRE_MESSAGE(pdf.ok(), pdf.error);
  const std::string text = pdf_text(pdf.bytes);
  CAPTURE(text);
  for (const std::string& expected :
       {std::string("AVOIR"), "N° " + note["number"].get<std::string>(), std::string("Date : 21/11/2026"),
        "Avoir sur la facture N° " + number + " du 20/11/2026", std::string("Destinataire"),
        std::string("Séance écourtée"), std::string("Montant de l’avoir"), std::string("25,00 €"),
        "Appliqué à la facture " + number, std::string("15,00 €"), std::string("Crédit disponible"),
        std::string("10,00 €"), std::string("Geste commercial : séance écourtée.")}) {
    CHECK_MESSAGE(text.find(expected) != std::string::npos, "missing: ", expected);
  }
  CHECK(text.find("ne pas imprimer") == std::string::npos);  // the internal note stays inside
  CHECK(text.find("Reste dû") == std::string::npos);

  // The credit note that cancels an invoice says so.
  const std::string other = c.exec({{"cmd", "invoice.create"},
                                    {"patient_id", patient},
                                    {"lines", {{{"label", "Bilan"}, {"unit_price", 4000}}}}})["invoice_id"];
  const std::string other_number = c.exec({{"cmd", "invoice.issue"}, {"invoice_id", other}})["number"];
  const Json cancel = c.exec({{"cmd", "invoice.cancel"}, {"invoice_id", other}, {"reason", "Erreur de patient"}});
  const quittance::pdf::PdfResult cancelling = quittance::pdf::invoice_pdf(
      c.query({{"cmd", "credit_note.document"}, {"credit_note_id", cancel["credit_note_id"]}}));
  REQUIRE_MESSAGE(cancelling.ok(), cancelling.error);
  const std::string cancel_text = pdf_text(cancelling.bytes);
  CAPTURE(cancel_text);
  CHECK(cancel_text.find("Avoir d’annulation de la facture N° " + other_number) != std::string::npos);
  CHECK(cancel_text.find("40,00 €") != std::string::npos);
}

TEST_CASE("pdf: a draft says so, and text without a WinAnsi byte is marked, never dropped") {
  Clinic c({2026, 11, 21});
  const std::string patient = c.patient("Łukasz 李");
  const std::string draft = c.exec({{"cmd", "invoice.create"},
                                    {"patient_id", patient},
                                    {"lines", {{{"label", "Séance"}, {"unit_price", 5000}}}}})["invoice_id"];
  const quittance::pdf::PdfResult pdf =
      quittance::pdf::invoice_pdf(c.query({{"cmd", "invoice.document"}, {"invoice_id", draft}}));
  REQUIRE(pdf.ok());
  const std::string text = pdf_text(pdf.bytes);
  CAPTURE(text);
  CHECK(text.find("BROUILLON DE FACTURE") != std::string::npos);
  CHECK(text.find("?ukasz ?") != std::string::npos);
  CHECK(quittance::pdf::to_winansi("€ « é » ’") == "\x80 \xAB \xE9 \xBB \x92");
  CHECK(quittance::pdf::to_winansi("a\xC3") == "a?");            // cut at the end
  CHECK(quittance::pdf::to_winansi("a\xE2" "b") == "a?b");       // cut in the middle: b kept
  CHECK(quittance::pdf::to_winansi("x\xC0\x80y") == "x??y");    // overlong NUL: no cut string
  CHECK(quittance::pdf::to_winansi("\xED\xA0\x80") == "?");     // a surrogate
  CHECK(quittance::pdf::to_winansi("\xF4\x90\x80\x80") == "?"); // past U+10FFFF
  CHECK(quittance::pdf::to_winansi("e\xCC\x81t\xC3\xA9") == "\xE9t\xE9");  // decomposed é
  CHECK(quittance::pdf::to_winansi("a\tb\x01") == "a b?");
}

TEST_CASE("pdf: sixty lines and long notes run onto more pages, nothing cut, the header again") {
  Clinic c({2026, 11, 21});
  c.exec({{"cmd", "settings.set"}, {"key", "practice.cancellation_terms"},
          {"value", std::string(150, 'x') + " " + [] {
             std::string words;
             for (int i = 0; i < 250; ++i) words += "annulation" + std::to_string(i) + " ";
             return words;
           }()}});
  const std::string patient = c.patient("Marc Durand");
  Json lines = Json::array();
  for (int i = 1; i <= 60; ++i) lines.push_back({{"label", "Acte n° " + std::to_string(i)}, {"unit_price", 1000 + i}});
  const std::string invoice = c.exec({{"cmd", "invoice.create"}, {"patient_id", patient}, {"lines", lines}})["invoice_id"];
  const std::string number = c.exec({{"cmd", "invoice.issue"}, {"invoice_id", invoice}})["number"];
  const quittance::pdf::PdfResult pdf =
      quittance::pdf::invoice_pdf(c.query({{"cmd", "invoice.document"}, {"invoice_id", invoice}}));
  REQUIRE_MESSAGE(pdf.ok(), pdf.error);
  int pages = 0;
  const std::string text = pdf_text(pdf.bytes, &pages);
  CAPTURE(text);
  CHECK(pages >= 2);
  for (int i = 1; i <= 60; ++i) CHECK_MESSAGE(text.find("Acte n° " + std::to_string(i) + " ") != std::string::npos, i);
  CHECK(text.find("Facture " + number + " (suite)") != std::string::npos);
  CHECK(text.find("annulation249") != std::string::npos);  // the last word of the terms
  CHECK(text.find("Reste dû") != std::string::npos);
  CHECK(text.find("Page " + std::to_string(pages) + " / " + std::to_string(pages)) != std::string::npos);
}

TEST_CASE("pdf: with VAT the totals are split and the exemption is not claimed; a cancelled invoice says so") {
  Clinic c({2026, 11, 21});
  const std::string rate = c.exec({{"cmd", "tax_rate.create"}, {"name", "TVA 20 %"}, {"rate_bp", 2000}})["tax_rate_id"];
  const std::string patient = c.patient("Chloé Bernard");
  const std::string invoice = c.exec({{"cmd", "invoice.create"},
                                      {"patient_id", patient},
                                      {"lines", {{{"label", "Atelier de posture"}, {"unit_price", 5000},
                                                  {"tax_rate_id", rate}}}}})["invoice_id"];
  c.exec({{"cmd", "invoice.issue"}, {"invoice_id", invoice}});
  std::string text = pdf_text(quittance::pdf::invoice_pdf(c.query({{"cmd", "invoice.document"}, {"invoice_id", invoice}})).bytes);
  CAPTURE(text);
  for (const char* expected : {"Total HT", "50,00 €", "TVA", "10,00 €", "Total TTC", "60,00 €"}) {
    CHECK_MESSAGE(text.find(expected) != std::string::npos, "missing: ", expected);
  }
  CHECK(text.find("Exonération") == std::string::npos);

  c.exec({{"cmd", "invoice.cancel"}, {"invoice_id", invoice}, {"reason", "Erreur de patient"}});
  text = pdf_text(quittance::pdf::invoice_pdf(c.query({{"cmd", "invoice.document"}, {"invoice_id", invoice}})).bytes);
  CHECK(text.find("FACTURE ANNULÉE") != std::string::npos);
  CHECK(text.find("Cette facture est annulée") != std::string::npos);
}
