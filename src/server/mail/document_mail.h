// « Attestation de paiement » and « Relevé de compte » by email (docs/emails.md): a document a
// device asked for (the books' document_emails: patient.email_document, attestation.email_all)
// is sent once, at once (within the sending window and the daily cap, as every email), to the
// address recorded when it was asked, with the document as a PDF made by the server from its
// copy of the books at sending time. The mail scheduler plans and sends these rows beside the
// invoice emails; this file holds what is particular to them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/commands.h"
#include "server/mail/compose.h"
#include "server/mail/outbox.h"

namespace quittance::server {

// The documents' templates the books have (system keys "attestation" and "statement").
std::vector<MailTemplate> document_templates(store::Database& books);

// One row per document of the template's kind asked in the 30 days before `now`: id
// "<template>:<document email>", due at its asking, no invoice. The caller plans only those
// the outbox does not know.
std::vector<OutboxRow> document_mail_plans(store::Database& books, const MailTemplate& t, std::int64_t now);

// The document email a row is for, if it is one of `templates`' ("" otherwise).
std::string document_of(const OutboxRow& row, const std::vector<MailTemplate>& templates);

// The email and its document (`document`, `document_kind`, `attachment_name`), whose PDF
// attach_pdf makes; `error` says why it cannot go (the document asked for is gone).
ComposedMail compose_document_mail(store::Database& books, app::CommandLayer& commands, const MailTemplate& t,
                                   const std::string& document_id);

}  // namespace quittance::server
