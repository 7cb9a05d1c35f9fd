// Documents frozen at issue. See frozen_documents.h.
#include "app/frozen_documents.h"

#include "app/invoice_handlers.h"
#include "app/settings_keys.h"

namespace quittance::app {

namespace {

std::string patient_name_of(store::Database& db, const std::string& patient) {
  auto st = db.prepare("SELECT name FROM patients WHERE id = ?1");
  st.bind(1, patient);
  return st.step() ? st.column_text(0) : std::string();
}

// The copy stored: the practice and addressee as printed (no email addresses), the patient.
std::string frozen_text(store::Database& db, const std::string& contact, const std::string& patient) {
  const std::string name = patient_name_of(db, patient);
  Json bill_to = bill_to_block(db, contact, patient, name);
  bill_to.erase("email");
  Json practice = practice_block(db);
  practice.erase("email");
  return Json{{"practice", std::move(practice)}, {"bill_to", std::move(bill_to)}, {"patient_name", name}}.dump();
}

void store_frozen(store::Database& db, const char* table, const std::string& id, const std::string& text) {
  auto st = db.prepare(std::string("UPDATE ") + table + " SET frozen = ?2 WHERE id = ?1");
  st.bind(1, id).bind(2, text);
  st.step();
}

}  // namespace

void freeze_invoice(store::Database& db, const std::string& invoice_id) {
  auto st = db.prepare("SELECT COALESCE(contact_id, ''), patient_id FROM invoices WHERE id = ?1");
  st.bind(1, invoice_id);
  if (!st.step()) return;
  store_frozen(db, "invoices", invoice_id, frozen_text(db, st.column_text(0), st.column_text(1)));
}

void freeze_credit_note(store::Database& db, const std::string& credit_note_id) {
  // Addressed as the invoice it corrects was.
  auto st = db.prepare(
      "SELECT COALESCE(i.contact_id, ''), c.patient_id FROM credit_notes c LEFT JOIN invoices i ON i.id = c.invoice_id "
      "WHERE c.id = ?1");
  st.bind(1, credit_note_id);
  if (!st.step()) return;
  store_frozen(db, "credit_notes", credit_note_id, frozen_text(db, st.column_text(0), st.column_text(1)));
}

PrintedParties printed_parties(store::Database& db, const std::string& frozen, const std::string& contact,
                               const std::string& patient, const std::string& patient_name) {
  PrintedParties out{practice_block(db), bill_to_block(db, contact, patient, patient_name), patient_name};
  const Json copy = Json::parse(frozen, nullptr, /*allow_exceptions=*/false);
  if (!copy.is_object()) return out;  // not frozen: as now
  // A field the copy holds replaces the live one; a null one is a setting never set when it
  // was frozen (schema 13's migration), printed with the setting's default.
  for (const char* block : {"practice", "bill_to"}) {
    const Json& stored = copy.value(block, Json::object());
    Json& printed = std::string(block) == "practice" ? out.practice : out.bill_to;
    for (auto it = stored.begin(); it != stored.end(); ++it) {
      if (it.value().is_string()) {
        printed[it.key()] = it.value();
      } else if (const SettingKey* key = find_setting(std::string(block) + "." + it.key()); key && it.value().is_null()) {
        printed[it.key()] = key->fallback;
      }
    }
  }
  if (copy.contains("patient_name") && copy["patient_name"].is_string()) out.patient_name = copy["patient_name"];
  return out;
}

}  // namespace quittance::app
