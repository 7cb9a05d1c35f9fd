// « Facturé à » contacts. See patient_contacts.h.
#include "ui/patient_contacts.h"

#include <imgui.h>

#include "app/command_id.h"
#include "ui/form.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

void draw_patient_contacts(app::CommandLayer& commands, const app::Json& patient, ContactForm& form) {
  const app::Json contacts = patient.value("contacts", app::Json::array());
  std::string line = std::string(tr("contacts.billed_to")) + " " + patient.value("name", std::string());
  for (const auto& c : contacts) {
    const std::string relation = c.value("relation", std::string());
    line += ", " + c.value("name", std::string()) + (relation.empty() ? "" : " (" + relation + ")");
  }
  ImGui::AlignTextToFramePadding();
  label(line.c_str());
  if (!form.open) {
    beside(button_width(tr_id("contacts.add", "add-contact").c_str()));
    if (ImGui::SmallButton(tr_id("contacts.add", "add-contact").c_str())) form.open = true;
    return;
  }
  heading(tr("contacts.form_title"));
  muted(tr("contacts.help"));
  text_field(tr("contacts.name"), "##contact-name", &form.name, 360);
  text_field(tr("contacts.relation"), "##contact-relation", &form.relation, 360);
  text_field(tr("contacts.email"), "##contact-email", &form.email, 360);
  text_field(tr("contacts.address"), "##contact-address", &form.address, 500);
  error_text(form.error_key);
  if (ImGui::Button(tr_id("contacts.save", "contact-save").c_str())) {
    const app::Json answer = commands.exec({{"cmd", "contact.create"}, {"id", app::new_command_id()},
                                            {"patient_id", patient.value("patient_id", std::string())},
                                            {"name", form.name}, {"relation", form.relation}, {"email", form.email},
                                            {"address", form.address}});
    if (answer.value("ok", false)) {
      form = ContactForm{};
    } else {
      form.error_key = error_key(answer);
    }
  }
  beside(button_width(tr_id("pay.cancel", "contact-cancel").c_str()));
  if (ImGui::Button(tr_id("pay.cancel", "contact-cancel").c_str())) form = ContactForm{};
}

}  // namespace quittance::ui
