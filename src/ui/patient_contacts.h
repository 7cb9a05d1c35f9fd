// « Facturé à » on the patient page: who pays for this patient (a parent, a guardian, an
// insurer, an employer), each usable as the recipient of an invoice in the editor; and
// « Ajouter un payeur » with name, relation, e-mail and address.
#pragma once
#include <string>

#include "app/commands.h"

namespace quittance::ui {

struct ContactForm {
  bool open = false;
  std::string name, relation, email, address, error_key;
};

// `patient` is patient.get's result (with its "contacts").
void draw_patient_contacts(app::CommandLayer& commands, const app::Json& patient, ContactForm& form);

}  // namespace quittance::ui
