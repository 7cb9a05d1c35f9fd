// The accountant's CSV exports (export.csv, app/csv.h): the exact text of each kind for a
// small clinic whose names test the quoting and the formula guard, plus the writer's pieces.
#include <doctest/doctest.h>

#include <climits>
#include <initializer_list>

#include "app/csv.h"
#include "core/money.h"
#include "billing_clinic.h"

using quittance::testing::Clinic;
using quittance::testing::Json;

namespace {

// A CSV document as the accountant's spreadsheet receives it: BOM, rows ending in CRLF.
std::string csv_document(std::initializer_list<const char*> rows) {
  std::string out = "\xEF\xBB\xBF";
  for (const char* row : rows) out += std::string(row) + "\r\n";
  return out;
}

Json export_csv(Clinic& c, const char* kind, const char* from = "2026-11-01", const char* to = "2026-11-30") {
  return c.query({{"cmd", "export.csv"}, {"kind", kind}, {"from", from}, {"to", to}});
}

// Léa (accents, a « Facturé à » contact, VAT), « Dupont; "Jo" » (a separator and quotes in a
// name), and a patient named like a spreadsheet formula. Today is 30 November 2026.
struct ExportClinic {
  Clinic c{{2026, 11, 30}};
  std::string lea = c.patient("Léa Moreau");
  std::string jo = c.patient("Dupont; \"Jo\"");
  std::string formula = c.patient("=cmd|' /C calc'!A0");

  ExportClinic() {
    // October: outside the exported month, and first so the November numbers follow it.
    std::string october = c.invoice(lea, 2000, "Bilan", "2026-10-15");
    pay(lea, "cash", 2000, "2026-10-20", "", {{{"invoice_id", october}, {"amount", 2000}}});

    const std::string vat =
        c.exec({{"cmd", "tax_rate.create"}, {"name", "TVA 20 %"}, {"rate_bp", 2000}})["tax_rate_id"];
    const std::string mutuelle =
        c.exec({{"cmd", "contact.create"}, {"patient_id", lea}, {"name", "Mutuelle Générale"}})["contact_id"];
    const std::string with_vat =
        c.exec({{"cmd", "invoice.create"},
                {"patient_id", lea},
                {"contact_id", mutuelle},
                {"lines", {{{"label", "Bilan postural"}, {"unit_price", 5000}, {"tax_rate_id", vat}}}}})["invoice_id"];
    c.exec({{"cmd", "invoice.issue"}, {"invoice_id", with_vat}, {"issued_on", "2026-11-02"}});  // F-…-000002
    const std::string jo_invoice = c.invoice(jo, 4000, "Séance", "2026-11-03");                 // F-…-000003
    const std::string cancelled = c.invoice(formula, 123456, "Forfait", "2026-11-04");          // F-…-000004
    const std::string small = c.invoice(lea, 3000, "Séance", "2026-11-05");                     // F-…-000005
    c.exec(
        {{"cmd", "invoice.create"}, {"patient_id", lea}, {"lines", {{{"label", "Brouillon"}, {"unit_price", 900}}}}});

    pay(lea, "cash", 2500, "2026-11-02", "", {{{"invoice_id", with_vat}, {"amount", 2500}}});
    const std::string cheque =
        pay(jo, "cheque", 4000, "2026-11-03", "Chèque n° 42", {{{"invoice_id", jo_invoice}, {"amount", 4000}}});
    c.exec({{"cmd", "payment.delete"}, {"payment_id", cheque}, {"reason", "Chèque refusé"}});
    pay(lea, "transfer", 10000, "2026-11-05", "-VIR 77",
        {{{"invoice_id", small}, {"amount", 3000}}, {{"invoice_id", with_vat}, {"amount", 1000}}});

    c.exec({{"cmd", "credit_note.create"},
            {"patient_id", jo},
            {"invoice_id", jo_invoice},
            {"issued_on", "2026-11-03"},
            {"lines", {{{"label", "Geste non réalisé"}, {"unit_price", 1000}}}}});         // AV-…-000001
    c.exec({{"cmd", "invoice.cancel"}, {"invoice_id", cancelled}, {"reason", "Erreur"}});  // AV-…-000002, today
    c.exec({{"cmd", "refund.create"},
            {"patient_id", lea},
            {"amount", 1500},
            {"payment_type_id", "cash"},
            {"refunded_on", "2026-11-06"},
            {"reason", "Trop-perçu\nrendu en main propre"}});
  }

  std::string pay(const std::string& patient, const char* type, std::int64_t amount, const char* on,
                  const char* reference, Json allocations) {
    return c.exec({{"cmd", "payment.create"},
                   {"patient_id", patient},
                   {"payment_type_id", type},
                   {"amount", amount},
                   {"paid_on", on},
                   {"reference", reference},
                   {"allocations", allocations}})["payment_id"];
  }
};

}  // namespace

TEST_CASE("invoices: issued and cancelled ones of the range, drafts left out, money paid and left due") {
  ExportClinic x;
  Json out = export_csv(x.c, "invoices");
  CHECK(out["filename"] == "factures_2026-11-01_2026-11-30.csv");
  CHECK(out["mime"] == "text/csv");
  // « Payé » is money only: the cancelled invoice was settled by its credit note, not paid.
  CHECK(out["csv"] ==
        csv_document({
            "Numéro;Date;Patient;Facturé à;Statut;HT;TVA;TTC;Payé;Reste dû",
            "F-2026-A-000002;02/11/2026;Léa Moreau;Mutuelle Générale;Partiellement payée;50,00;10,00;60,00;35,00;25,00",
            "F-2026-A-000003;03/11/2026;\"Dupont; \"\"Jo\"\"\";\"Dupont; \"\"Jo\"\"\";À "
            "payer;40,00;0,00;40,00;0,00;40,00",
            "F-2026-A-000004;04/11/2026;'=cmd|' /C calc'!A0;'=cmd|' /C calc'!A0;Annulée;1234,56;0,00;1234,56;0,00;0,00",
            "F-2026-A-000005;05/11/2026;Léa Moreau;Léa Moreau;Payée;30,00;0,00;30,00;30,00;0,00",
        }));
}

TEST_CASE("payments: the invoices each one settles, deleted ones kept and marked") {
  ExportClinic x;
  Json out = export_csv(x.c, "payments");
  CHECK(out["filename"] == "paiements_2026-11-01_2026-11-30.csv");
  CHECK(out["csv"] == csv_document({
                          "Date;Patient;Type;Montant;Référence;Factures réglées;Supprimé",
                          "02/11/2026;Léa Moreau;Espèces;25,00;;F-2026-A-000002;non",
                          "03/11/2026;\"Dupont; \"\"Jo\"\"\";Chèque;40,00;Chèque n° 42;;oui",
                          "05/11/2026;Léa Moreau;Virement;100,00;'-VIR 77;F-2026-A-000002, F-2026-A-000005;non",
                      }));
  // Both ends of the range are inclusive.
  CHECK(export_csv(x.c, "payments", "2026-10-20", "2026-11-02")["csv"] ==
        csv_document({
            "Date;Patient;Type;Montant;Référence;Factures réglées;Supprimé",
            "20/10/2026;Léa Moreau;Espèces;20,00;;F-2026-A-000001;non",
            "02/11/2026;Léa Moreau;Espèces;25,00;;F-2026-A-000002;non",
        }));
}

TEST_CASE("credit notes and refunds") {
  ExportClinic x;
  Json notes = export_csv(x.c, "credit_notes");
  CHECK(notes["filename"] == "avoirs_2026-11-01_2026-11-30.csv");
  CHECK(notes["csv"] == csv_document({
                            "Numéro;Date;Patient;Facture corrigée;Montant",
                            "AV-2026-A-000001;03/11/2026;\"Dupont; \"\"Jo\"\"\";F-2026-A-000003;10,00",
                            "AV-2026-A-000002;30/11/2026;'=cmd|' /C calc'!A0;F-2026-A-000004;1234,56",
                        }));
  Json refunds = export_csv(x.c, "refunds");
  CHECK(refunds["filename"] == "remboursements_2026-11-01_2026-11-30.csv");
  // A line break inside a field is quoted, the field spanning two physical lines.
  CHECK(refunds["csv"] == csv_document({
                              "Date;Patient;Montant;Type;Motif",
                              "06/11/2026;Léa Moreau;15,00;Espèces;\"Trop-perçu\nrendu en main propre\"",
                          }));
  // An empty range still has its header row.
  CHECK(export_csv(x.c, "refunds", "2026-12-01", "2026-12-31")["csv"] ==
        csv_document({"Date;Patient;Montant;Type;Motif"}));
}

TEST_CASE("export.csv refuses a bad kind or range, and any role that reads may export") {
  ExportClinic x;
  auto code = [&](Json cmd) {
    cmd["cmd"] = "export.csv";
    Json answer = x.c.commands().query(cmd);
    REQUIRE(answer["ok"] == false);
    return answer["error"]["field"].get<std::string>() + ":" + answer["error"]["code"].get<std::string>();
  };
  CHECK(code({{"kind", "patients"}, {"from", "2026-11-01"}, {"to", "2026-11-30"}}) == "kind:invalid_argument");
  CHECK(code({{"kind", "invoices"}, {"to", "2026-11-30"}}) == "from:invalid_argument");
  CHECK(code({{"kind", "invoices"}, {"from", "2026-11-01"}}) == "to:invalid_argument");
  CHECK(code({{"kind", "invoices"}, {"from", "2026-11-30"}, {"to", "2026-11-01"}}) == "to:invalid_argument");
  CHECK(code({{"kind", "invoices"}, {"from", "01/11/2026"}, {"to", "2026-11-30"}}) == "from:invalid_argument");

  const std::string reader =
      x.c.exec({{"cmd", "user.create"}, {"name", "Comptable"}, {"role", "read_only"}})["user_id"];
  REQUIRE(x.c.commands().set_actor(reader));
  CHECK(export_csv(x.c, "payments")["csv"].get<std::string>().size() > 100);
}

TEST_CASE("the CSV writer's pieces: decimal comma, RFC 4180 quoting, the formula guard") {
  using namespace quittance::app;
  using quittance::core::decimal_comma;
  CHECK(decimal_comma(0, 2) == "0,00");
  CHECK(decimal_comma(5, 2) == "0,05");
  CHECK(decimal_comma(-5, 2) == "-0,05");
  CHECK(decimal_comma(-123456, 2) == "-1234,56");
  CHECK(decimal_comma(123456789, 2) == "1234567,89");  // no thousands separator
  CHECK(decimal_comma(1234, 0) == "1234");             // XPF has no cents
  CHECK(decimal_comma(LLONG_MIN, 2) == "-92233720368547758,08");

  CHECK(csv_quote("plain text, with a comma") == "plain text, with a comma");
  CHECK(csv_quote("a;b") == "\"a;b\"");
  CHECK(csv_quote("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_quote("line\rbreak") == "\"line\rbreak\"");

  for (const char* risky : {"=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"}) {
    CAPTURE(risky);
    CHECK(csv_guard(risky) == "'" + std::string(risky));
  }
  CHECK(csv_guard("Léa = 2") == "Léa = 2");
  CHECK(csv_guard("") == "");

  CsvWriter w(2);
  w.text("\r=x").amount(-250).date("2026-02-01").text("").end_row();
  CHECK(w.str() == "\xEF\xBB\xBF\"'\r=x\";-2,50;01/02/2026;\r\n");
}
