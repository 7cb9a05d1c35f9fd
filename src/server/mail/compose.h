// A billing email made from the clinic's books (the server's copy, sync/snapshots.h): the template's
// subject and body with their fields filled for one invoice, an HTML alternative where every
// value is escaped, and the invoice's PDF when the template asks for it. Pure reading: the
// books are never written. The payment request email (mail/request_mail.h) is filled the same way.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.h"
#include "server/mail/message.h"

namespace quittance::server {

struct MailTemplate {
  std::string id, system_key, name, subject, body, delay_unit, active_since;
  bool attach_pdf = true, active = false;
  std::int64_t delay_amount = 0;
  bool reminder() const { return delay_amount > 0; }
};

// The invoice emails and reminders turned on. Never « Demande de paiement » (system_key
// payment_request) nor the documents' (attestation, statement): they are sent per request or
// document asked for, not per invoice (mail/request_mail.h, mail/document_mail.h).
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
  std::string recipient;  // the « Facturé à » email, as found
  std::string error;      // why it cannot be sent (no or bad address, no PDF, no link); empty when ready
  app::Json document;     // invoice.document, for the PDF when the template attaches it
  bool attach_pdf = false;
  // What `document` is, for attach_pdf: "invoice" (invoice.document), "attestation"
  // (patient.attestation) or "statement" (patient.statement); and the attachment's name.
  std::string document_kind = "invoice";
  std::string attachment_name;
};

// `paid_elsewhere`: card payments the server knows of that the books do not have yet,
// taken off the amount due. `link_fields`: {{montant_demande}}, {{lien_paiement}},
// {{date_limite}} of the invoice's open payment request (mail/request_mail.h), or none. Reads the
// books only: the PDF is made afterwards, outside their lock, by attach_invoice_pdf.
ComposedMail compose_mail(app::CommandLayer& books, const MailTemplate& t, const std::string& invoice_id,
                          std::int64_t paid_elsewhere, const std::map<std::string, std::string>& link_fields = {});
// Renders and attaches the document's PDF (mail.document_kind) when asked; sets `error` when it
// cannot. Outside the books' lock: a PDF takes milliseconds, and every clinic shares that lock.
void attach_pdf(ComposedMail& mail);

// What every email shares: the message to `to_address` (none, or an invalid one, sets
// `error`) from the practice, the template's subject (one line) and body filled with
// `values`, and an HTML alternative where every value is escaped and {{lien_paiement}} a link.
struct MailParties {
  std::string practice_name, practice_email;  // From's name; Reply-To, where answers go
  std::string to_name, to_address;
};
ComposedMail fill_mail(const MailTemplate& t, const std::map<std::string, std::string>& values,
                       const MailParties& parties);

// "105,00 €": {{total}}, {{reste_du}}, {{montant_demande}}.
std::string format_amount(std::int64_t amount, const std::string& currency_code);

}  // namespace quittance::server
