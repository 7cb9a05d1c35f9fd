// A billing email made from the clinic's books (the server's copy, snapshots.h): the template's
// subject and body with their fields filled for one invoice, an HTML alternative where every
// value is escaped, and the invoice's PDF when the template asks for it. Pure reading: the
// books are never written.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.h"
#include "server/mail_message.h"

namespace quittance::server {

struct MailTemplate {
  std::string id, name, subject, body, delay_unit, active_since;
  bool attach_pdf = true, active = false;
  std::int64_t delay_amount = 0;
  bool reminder() const { return delay_amount > 0; }
};

std::vector<MailTemplate> active_templates(store::Database& books);
std::optional<MailTemplate> find_template(store::Database& books, const std::string& id);

// What the scheduler checks before sending.
struct InvoiceFacts {
  bool exists = false;
  std::string state;                // draft, issued, cancelled
  std::int64_t due = 0;             // what the books say is left to pay
  std::string patient_id;
  std::string issued_at;            // UTC instant
  bool patient_reminders = true;    // « Recevoir des rappels pour impayés »
  bool cancel_requested = false;    // Communications: « Annuler » asked on a device
  std::string retry_requested;      // Communications: « Réessayer » asked at that instant
};
InvoiceFacts invoice_facts(store::Database& books, const std::string& invoice_id, const std::string& message_id);

struct ComposedMail {
  MailMessage message;
  std::string recipient;  // the invoice's « Facturé à » email, as found
  std::string error;      // why it cannot be sent (no or bad address, no PDF); empty when ready
  app::Json document;     // invoice.document, for the PDF when the template attaches it
  bool attach_pdf = false;
};

// `paid_elsewhere`: card payments the server knows of that the books do not have yet,
// taken off the amount due. Reads the books only: the PDF is made afterwards, outside their
// lock, by attach_invoice_pdf.
ComposedMail compose_mail(app::CommandLayer& books, const MailTemplate& t, const std::string& invoice_id,
                          std::int64_t paid_elsewhere);
// Renders and attaches the invoice's PDF when asked; sets `error` when it cannot.
void attach_invoice_pdf(ComposedMail& mail);

}  // namespace quittance::server
