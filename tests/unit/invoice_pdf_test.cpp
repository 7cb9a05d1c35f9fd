// An invoice's PDF (pdf/invoice_pdf.h) from invoice.document, read back with poppler's
// pdftotext as any PDF reader would: the practice and its mentions, the payer, the number,
// the lines, the totals, the payments received and what is due, accents and the euro sign.
#include "pdf/invoice_pdf.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "billing_clinic.h"
#include "pdf/winansi.h"

using quittance::testing::Clinic;
using quittance::testing::Json;

namespace {

// The PDF's text as pdftotext reads it (UTF-8), no-break spaces made plain.
std::string pdf_text(const std::vector<unsigned char>& bytes) {
  const auto file = std::filesystem::temp_directory_path() / "quittance-invoice-test.pdf";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  std::string text;
  if (FILE* p = popen(("pdftotext -layout " + file.string() + " - 2>&1").c_str(), "r")) {
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, p)) > 0;) text.append(buffer, n);
    pclose(p);
  }
  std::filesystem::remove(file);
  for (const std::string& nbsp : {std::string("\u00A0"), std::string("\u202F")}) {
    for (std::size_t at; (at = text.find(nbsp)) != std::string::npos;) text.replace(at, nbsp.size(), " ");
  }
  return text;
}

}  // namespace

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
        std::string("20/11/2026"), std::string("65,00 €"), std::string("1 234,56 €"), std::string("Total"),
        std::string("1 299,56 €"), std::string("Paiements reçus"), std::string("Espèces"), std::string("20,00 €"),
        std::string("Reste dû"), std::string("1 279,56 €"), std::string("Exonération de TVA – article 261-4-1° du CGI"),
        std::string("EI")}) {
    CHECK_MESSAGE(text.find(expected) != std::string::npos, "missing: ", expected);
  }
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
  CHECK(quittance::pdf::to_winansi("a\xC3") == "a?");  // cut UTF-8
}
