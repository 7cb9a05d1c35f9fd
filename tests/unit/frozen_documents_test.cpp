// An issued document never changes (app/frozen_documents.h): the practice's identity, the payer
// and the patient it prints stay as they were at issue, through later changes of all three;
// documents issued before freezing existed are frozen by the migration with what they printed.
#include <doctest/doctest.h>

#include <vector>

#include "billing_clinic.h"
#include "pdf/invoice_pdf.h"

using quittance::testing::Clinic;
using quittance::testing::Json;
using namespace quittance;

namespace {

void set(Clinic& c, const char* key, const char* value) { c.exec({{"cmd", "settings.set"}, {"key", key}, {"value", value}}); }

// What a reprint shows of its parties: the blocks the PDF writer gets, without the email
// addresses (where it is sent, not printed: live by design).
std::string printed(Clinic& c, const char* kind, const std::string& id) {
  Json doc = c.query({{"cmd", std::string(kind) + ".document"}, {std::string(kind) + "_id", id}});
  doc["practice"].erase("email");
  doc["bill_to"].erase("email");
  return doc["practice"].dump() + doc["bill_to"].dump() + doc[kind]["patient_name"].dump();
}

}  // namespace

TEST_CASE("frozen documents: a change of the practice, the payer or the patient after issue reprints nothing new") {
  Clinic c({2026, 11, 21});
  set(c, "practice.name", "Cabinet Hélène Crête");
  set(c, "practice.address", "12 rue de l’Église\n69001 Lyon");
  set(c, "practice.email", "cabinet@example.fr");
  const std::string patient = c.patient("Zoé Lefèvre");
  const std::string payer = c.exec({{"cmd", "contact.create"}, {"patient_id", patient}, {"name", "Agnès Lefèvre"},
                                    {"relation", "mère"}, {"address", "3 place Bellecour\n69002 Lyon"},
                                    {"email", "agnes@example.fr"}})["contact_id"];
  const std::string invoice = c.exec({{"cmd", "invoice.create"}, {"patient_id", patient}, {"contact_id", payer},
                                      {"lines", {{{"label", "Séance d’ostéopathie"}, {"unit_price", 6500}}}}})["invoice_id"];
  const std::string draft_before = printed(c, "invoice", invoice);
  c.exec({{"cmd", "invoice.issue"}, {"invoice_id", invoice}, {"issued_on", "2026-11-21"}});
  const std::string note = c.exec({{"cmd", "credit_note.create"}, {"patient_id", patient}, {"invoice_id", invoice},
                                   {"lines", {{{"label", "Geste commercial"}, {"unit_price", 500}}}}})["credit_note_id"];
  const std::string invoice_at_issue = printed(c, "invoice", invoice);
  const std::string note_at_issue = printed(c, "credit_note", note);
  const auto pdf_at_issue = pdf::invoice_pdf(c.query({{"cmd", "invoice.document"}, {"invoice_id", invoice}})).bytes;
  CHECK(invoice_at_issue == draft_before);

  // The practice moves, the payer and the patient change their names, the vat mention changes.
  set(c, "practice.address", "40 cours Lafayette\n69003 Lyon");
  set(c, "practice.name", "Cabinet Crête & Associés");
  set(c, "practice.vat_mention", "TVA non applicable");
  c.exec({{"cmd", "contact.update"}, {"contact_id", payer}, {"name", "Agnès Martin"}, {"address", "1 rue Neuve"},
          {"email", "agnes.martin@example.fr"}});
  c.exec({{"cmd", "patient.update"}, {"patient_id", patient}, {"name", "Zoé Martin"}});

  CHECK(printed(c, "invoice", invoice) == invoice_at_issue);
  CHECK(printed(c, "credit_note", note) == note_at_issue);
  CHECK(pdf::invoice_pdf(c.query({{"cmd", "invoice.document"}, {"invoice_id", invoice}})).bytes == pdf_at_issue);
  const Json doc = c.query({{"cmd", "invoice.document"}, {"invoice_id", invoice}});
  CHECK(doc["practice"]["address"] == "12 rue de l’Église\n69001 Lyon");
  CHECK(doc["bill_to"]["name"] == "Agnès Lefèvre");
  CHECK(doc["invoice"]["patient_name"] == "Zoé Lefèvre");
  // Where it is sent is not what it prints: the corrected address gets the next email.
  CHECK(doc["bill_to"]["email"] == "agnes.martin@example.fr");

  // The accountant's export names them as the documents do.
  const std::string csv = c.query({{"cmd", "export.csv"}, {"kind", "invoices"}, {"from", "2026-11-01"},
                                   {"to", "2026-11-30"}})["csv"];
  CHECK(csv.find("Zoé Lefèvre;Agnès Lefèvre") != std::string::npos);
  CHECK(csv.find("Martin") == std::string::npos);
  const std::string notes_csv = c.query({{"cmd", "export.csv"}, {"kind", "credit_notes"}, {"from", "2026-11-01"},
                                         {"to", "2026-11-30"}})["csv"];
  CHECK(notes_csv.find("Zoé Lefèvre") != std::string::npos);

  // A document issued now prints what the practice is now.
  const std::string next = c.invoice(patient, 4000, "Séance", "2026-11-21");
  const Json fresh = c.query({{"cmd", "invoice.document"}, {"invoice_id", next}});
  CHECK(fresh["practice"]["address"] == "40 cours Lafayette\n69003 Lyon");
  CHECK(fresh["practice"]["vat_mention"] == "TVA non applicable");
  CHECK(fresh["invoice"]["patient_name"] == "Zoé Martin");
}

TEST_CASE("frozen documents: the migration freezes what an earlier version's issued documents printed") {
  // Books of schema 12, before documents were frozen: an issued invoice billed to a payer, a
  // credit note on it, a draft, and a setting never set (its default is what was printed).
  store::Database db = store::Database::open(":memory:");
  std::vector<store::Migration> before(store::clinic_migrations().begin(), store::clinic_migrations().end());
  while (!before.empty() && before.back().version > 12) before.pop_back();
  store::migrate(db, before);
  db.exec("INSERT INTO settings(key, value) VALUES ('practice.name', 'Cabinet du Parc'), "
          "('practice.address', '8 allée du Parc')");
  db.exec("INSERT INTO patients(id, name, title, address, created_at) VALUES ('p1', 'Léa Martin', 'Mme', '2 rue Haute', "
          "'2026-11-02T09:00:00Z')");
  db.exec("INSERT INTO contacts(id, patient_id, name, address) VALUES ('k1', 'p1', 'Paul Martin', '5 rue Basse')");
  db.exec("INSERT INTO invoices(id, patient_id, contact_id, state, number, issued_on, currency, net, tax, total, status, "
          "notes, created_at) VALUES ('i1', 'p1', 'k1', 'issued', 'F-2026-A-000001', '2026-11-02', 'EUR', 5000, 0, 5000, "
          "'open', '', '2026-11-02T09:00:00Z'), ('i2', 'p1', NULL, 'draft', NULL, NULL, 'EUR', 0, 0, 0, 'draft', '', "
          "'2026-11-02T09:00:00Z')");
  db.exec("INSERT INTO credit_notes(id, patient_id, invoice_id, number, issued_on, currency, net, tax, total, note, "
          "internal_note, created_at) VALUES ('c1', 'p1', 'i1', 'AV-2026-A-000001', '2026-11-03', 'EUR', 1000, 0, 1000, "
          "'', '', '2026-11-03T09:00:00Z')");
  store::migrate(db, store::clinic_migrations());

  app::CommandLayer books(db, app::fixed_clock({2026, 11, 21}));
  auto document = [&](const char* kind, const char* id) {
    const Json answer = books.query({{"cmd", std::string(kind) + ".document"}, {std::string(kind) + "_id", id}});
    REQUIRE_MESSAGE(answer["ok"] == true, answer.dump());
    return answer["result"];
  };
  auto frozen = [&](const char* table, const char* id) {
    auto st = db.prepare(std::string("SELECT frozen FROM ") + table + " WHERE id = ?1");
    st.bind(1, std::string(id));
    REQUIRE(st.step());
    return st.column_text(0);
  };
  CHECK(frozen("invoices", "i2").empty());  // a draft prints what is current when it is issued
  const Json at_migration = document("invoice", "i1");
  CHECK(at_migration["practice"]["name"] == "Cabinet du Parc");
  CHECK(at_migration["practice"]["ei_mention"] == "EI");  // never set: the default
  CHECK(at_migration["bill_to"]["name"] == "Paul Martin");
  CHECK(document("credit_note", "c1")["bill_to"]["address"] == "5 rue Basse");

  db.exec("UPDATE settings SET value = '9 quai Neuf' WHERE key = 'practice.address'");
  db.exec("INSERT INTO settings(key, value) VALUES ('practice.ei_mention', 'Entrepreneur individuel')");
  db.exec("UPDATE contacts SET name = 'Paul Durand', address = '7 rue Large' WHERE id = 'k1'");
  const Json later = document("invoice", "i1");
  CHECK(later["practice"] == at_migration["practice"]);
  CHECK(later["bill_to"]["name"] == "Paul Martin");
  CHECK(document("credit_note", "c1")["bill_to"]["address"] == "5 rue Basse");
}
