// The patient record on the patient page: who the patient is and how to reach them, shown
// under the name and corrected in place (« Modifier le dossier », the « Facturé à » payers
// with it), archived, or merged with a record made twice for the same person.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "app/commands.h"

namespace quittance::ui {

// A « Facturé à » payer as the edit form holds it.
struct ContactEdit {
  std::string id, name, relation, email, address;
};

struct PatientRecordState {
  bool editing = false;
  std::string title, first_name, last_name, name, birth_date, email, phone, address, notes;
  std::vector<ContactEdit> contacts, contacts_before;  // as edited, and as the form opened
  std::map<std::string, std::string> before;          // the record's fields as the form opened
  bool merging = false;
  std::string merge_search, merge_pick, merge_pick_name, merge_pick_contact;
  std::string error_key;
  std::string notice;  // what the last merge moved, shown once
};

// Start a new patient's form empty and forget a merge in progress (another patient opened).
void reset_patient_record(PatientRecordState& state);

// The patient's name as the page's title, the record's actions beside it, then its details (or
// the editor, or the merge). `patient` is patient.get's result. Returns the patient to open
// instead ("" to stay): the record this one was merged into, when the practitioner asks for it.
std::string draw_patient_record(app::CommandLayer& commands, const app::Json& patient, PatientRecordState& state);

// The name a page shows: « Mme Léa Martin ».
std::string patient_heading(const app::Json& patient);

}  // namespace quittance::ui
