// « Demande de paiement » (docs/emails.md): the email that carries a payment request's link
// (docs/payment_requests.md), sent once, at once, to the address chosen when the request was
// made, for each request made with send_email. The mail scheduler plans, cancels and sends it
// beside the invoice emails; this file holds what is particular to it: which requests, why one
// no longer goes, its fields ({{montant_demande}}, {{lien_paiement}}, {{date_limite}}), and
// those same fields for an invoice email when the invoice has an open request.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.h"
#include "server/mail/compose.h"
#include "server/mail/outbox.h"

namespace quittance::server {

// The template's system_key (migration 8 of the books): always on, never an invoice email.
inline constexpr const char* kRequestTemplateKey = "payment_request";

// « Demande de paiement », if the books have it.
std::optional<MailTemplate> request_template(store::Database& books);

// One row per request to email that is still waiting (sent, opened, failed) and not expired at
// `now`: id "<template>:<request>", due at the request's creation, to its recipient, for its
// first invoice ("" for a deposit or a card). The caller plans only those it does not know.
std::vector<OutboxRow> request_mail_plans(store::Database& books, const MailTemplate& t, std::int64_t now);

// The request a request email's row is for ("" for another row).
std::string request_of(const OutboxRow& row, const MailTemplate& request_template);

// What the server knows of a request's payment that the books may not have yet (the webhook
// came while every device was closed).
struct RequestPayments {
  bool paid = false;       // a card payment succeeded, or a card request's card was saved
  bool under_way = false;  // a bank debit not settled yet
};
RequestPayments request_payments(Sql& server, const std::string& clinic_id, const std::string& request_id);

// A request as its email needs it.
struct RequestFacts {
  bool exists = false;
  std::string kind;   // invoices, deposit, card
  std::string state;  // as stored: sent, opened, paid, failed, cancelled
  std::string token, expires_at, recipient;
  std::string recipient_name;  // the first invoice's « Facturé à » contact, else the patient
  std::string time_zone;       // the practice's: the expiry is said at its time
  app::Json view;              // payment_request.view's result (what the page asks now)
};
RequestFacts request_facts(store::Database& books, app::CommandLayer& commands, const std::string& request_id);

// Why the request's email no longer goes ("" when it does), said after « Annulé – »: paid in
// the books or on the server, its invoices paid or cancelled meanwhile, cancelled, expired by
// the server's clock.
std::string request_cancel_reason(const RequestFacts& r, const RequestPayments& server, std::int64_t now);

// The email: subject, text and HTML (the link an <a>), no attachment. `public_url` is
// QUITTANCE_PUBLIC_URL (config.h): without it there is no link to send, and `error` says so.
ComposedMail compose_request_mail(const RequestFacts& r, const MailTemplate& t, const std::string& public_url);

// For an invoice email: the three link fields of the invoice's latest request still open at
// `now`, or "" each (no such request, or no public address to link to).
std::map<std::string, std::string> invoice_link_fields(store::Database& books, app::CommandLayer& commands,
                                                       const std::string& invoice_id, const std::string& public_url,
                                                       std::int64_t now);

}  // namespace quittance::server
