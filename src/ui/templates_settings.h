// Paramètres → « Modèles d'e-mails » (seed 001): the billing email templates — the system ones
// (activate, edit their content) and the practice's own (create, edit, duplicate, delete) — with
// their delay after issue, the PDF option and the « Actif » flag. Fields are inserted from a
// picker where the cursor stands. Turning on a template sent at issue asks first: it concerns
// every new invoice.
#pragma once
#include <string>

#include "app/commands.h"
#include "ui/communications_view.h"

namespace quittance::ui {

struct TemplatesSettingsState {
  // The editor: open when `editing`; template_id "" for a new template.
  bool editing = false;
  std::string template_id;
  bool system = false;
  bool with_requests = false;  // « Demande de paiement » and the documents': sent with each, no on/off
  bool with_documents = false; // the attestation's and the statement's
  std::string name, subject, body, delay = "7";
  int unit = 1;  // 0 hours, 1 days, 2 months
  bool attach_pdf = true, active = true;
  bool was_active = false;               // the edited template's flag when opened
  std::string last_saved;                // the template the last command answered for
  int field_target = 1;                  // 0 subject, 1 body: where « Insérer un champ » writes
  int subject_cursor = 0, body_cursor = 0;  // byte offsets, kept by the fields' callbacks
  std::string confirm_activate;          // a template sent at issue waiting for « Activer »
  std::string confirm_delete;
  std::string error_key, error_detail, message_key;
};

// `sender`: who sends the emails (the demo says that none leaves).
void draw_templates_settings(app::CommandLayer& commands, TemplatesSettingsState& state, MailSender sender);

}  // namespace quittance::ui
