// Billing emails from the books. See mail/compose.h.
#include "server/mail/compose.h"

#include "core/date.h"
#include "core/message_template.h"
#include "core/money.h"
#include "pdf/attestation_pdf.h"
#include "pdf/invoice_pdf.h"
#include "pdf/statement_pdf.h"

namespace quittance::server {

namespace {

constexpr const char* kTemplateColumns =
    "id, name, subject, body, attach_pdf, delay_amount, delay_unit, active, COALESCE(active_since, ''), system_key";

// Where {{lien_paiement}} goes in the HTML, made a link once the rest is escaped: a control
// character, which neither a template nor the books' text holds.
constexpr const char* kLinkMark = "\x01";

MailTemplate read_template(store::Statement& s) {
  MailTemplate t;
  t.id = s.column_text(0);
  t.name = s.column_text(1);
  t.subject = s.column_text(2);
  t.body = s.column_text(3);
  t.attach_pdf = s.column_int64(4) != 0;
  t.delay_amount = s.column_int64(5);
  t.delay_unit = s.column_text(6);
  t.active = s.column_int64(7) != 0;
  t.active_since = s.column_text(8);
  t.system_key = s.column_text(9);
  return t;
}

// « 12 décembre 2026 », as a letter dates.
std::string fr_date(const std::string& iso) {
  const auto d = core::parse_iso_date(iso);
  return d ? core::format_long_fr(*d) : iso;
}

// A subject is one line, whatever the template or a value holds.
std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  }
  return s;
}

}  // namespace

std::vector<MailTemplate> active_templates(store::Database& books) {
  store::Statement s = books.prepare(std::string("SELECT ") + kTemplateColumns +
                                     " FROM message_templates WHERE active = 1 AND active_since IS NOT NULL "
                                     "AND system_key NOT IN ('payment_request', 'attestation', 'statement') ORDER BY id");
  std::vector<MailTemplate> out;
  while (s.step()) out.push_back(read_template(s));
  return out;
}

std::optional<MailTemplate> find_template(store::Database& books, const std::string& id) {
  store::Statement s = books.prepare(std::string("SELECT ") + kTemplateColumns + " FROM message_templates WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_template(s);
}

InvoiceFacts invoice_facts(store::Database& books, const std::string& invoice_id, const std::string& message_id) {
  InvoiceFacts f;
  store::Statement s = books.prepare(
      "SELECT i.state, i.total - i.settled, i.patient_id, p.reminders, COALESCE(i.issued_at, '') FROM invoices i "
      "JOIN patients p ON p.id = i.patient_id WHERE i.id = ?");
  s.bind(1, invoice_id);
  if (s.step()) {
    f.exists = true;
    f.state = s.column_text(0);
    f.due = f.state == "issued" ? s.column_int64(1) : 0;
    f.patient_id = s.column_text(2);
    f.patient_reminders = s.column_int64(3) != 0;
    f.issued_at = s.column_text(4);
  }
  store::Statement m = books.prepare("SELECT cancel_requested, COALESCE(retry_requested, '') FROM messages WHERE id = ?");
  m.bind(1, message_id);
  if (m.step()) {
    f.cancel_requested = m.column_int64(0) != 0;
    f.retry_requested = m.column_text(1);
  }
  return f;
}

ComposedMail compose_mail(app::CommandLayer& books, const MailTemplate& t, const std::string& invoice_id,
                          std::int64_t paid_elsewhere, const std::map<std::string, std::string>& link_fields) {
  ComposedMail out;
  app::Json answer = books.query({{"cmd", "invoice.document"}, {"invoice_id", invoice_id}});
  if (answer["ok"] != true) {
    out.error = "Facture illisible dans les données du cabinet (" + answer["error"].value("code", std::string()) + ").";
    return out;
  }
  app::Json& doc = answer["result"];
  app::Json& invoice = doc["invoice"];
  const std::string currency = invoice.value("currency", "EUR");
  const std::int64_t due = std::max<std::int64_t>(0, invoice.value("due", std::int64_t{0}) - paid_elsewhere);
  invoice["due"] = due;
  const app::Json& practice = doc["practice"];
  const app::Json& bill_to = doc["bill_to"];
  std::map<std::string, std::string> values = link_fields;
  values.insert({{"numero_facture", invoice.value("number", "")},
                 {"date_facture", fr_date(invoice.value("issued_on", ""))},
                 {"total", format_amount(invoice.value("total", std::int64_t{0}), currency)},
                 {"reste_du", format_amount(due, currency)},
                 {"patient", invoice.value("patient_name", "")},
                 {"facture_a", bill_to.value("name", "")},
                 {"cabinet", practice.value("name", "")}});
  out = fill_mail(t, values,
                  {practice.value("name", ""), practice.value("email", ""), bill_to.value("name", ""),
                   bill_to.value("email", "")});
  if (!out.error.empty()) return out;
  out.attach_pdf = t.attach_pdf;
  out.document = std::move(doc);
  return out;
}

ComposedMail fill_mail(const MailTemplate& t, const std::map<std::string, std::string>& values,
                       const MailParties& parties) {
  ComposedMail out;
  out.recipient = parties.to_address;
  if (out.recipient.empty()) {
    out.error = "Pas d'adresse e-mail pour « " + parties.to_name + " » (Facturé à).";
    return out;
  }
  if (!valid_email_address(out.recipient)) {
    out.error = "Adresse e-mail invalide : " + out.recipient;
    return out;
  }
  MailMessage& m = out.message;
  m.from_name = parties.practice_name;
  m.to_name = parties.to_name;
  m.reply_to = parties.practice_email;  // the patient's answer reaches the practice
  m.to_address = out.recipient;
  m.subject = one_line(core::fill_template(t.subject, values));
  m.text = core::fill_template(t.body, values);
  std::map<std::string, std::string> html_values = values;
  const auto link = values.find("lien_paiement");
  const bool linked = link != values.end() && !link->second.empty();
  if (linked) html_values["lien_paiement"] = kLinkMark;
  std::string html = core::fill_template_html(t.body, html_values);
  if (linked) {
    const std::string href = core::html_escape(link->second);
    const std::string anchor = "<a href=\"" + href + "\">" + href + "</a>";
    for (std::size_t at = html.find(kLinkMark); at != std::string::npos; at = html.find(kLinkMark, at)) {
      html.replace(at, 1, anchor);
      at += anchor.size();
    }
  }
  m.html = "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"></head>"
           "<body style=\"font-family: Helvetica, Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #222\">" +
           html + "</body></html>";
  return out;
}

std::string format_amount(std::int64_t amount, const std::string& currency_code) {
  const std::optional<core::Currency> currency = core::currency_from_code(currency_code);
  return core::format_fr(core::Money{amount, currency ? *currency : core::euro()});
}

void attach_pdf(ComposedMail& mail) {
  if (!mail.attach_pdf || !mail.error.empty()) return;
  const bool invoice = mail.document_kind == "invoice";
  const pdf::PdfResult file = invoice                                ? pdf::invoice_pdf(mail.document)
                              : mail.document_kind == "attestation" ? pdf::attestation_pdf(mail.document)
                                                                    : pdf::statement_pdf(mail.document);
  if (!file.ok()) {
    mail.error = std::string(invoice ? "La facture n'a pas pu être mise" : "Le document n'a pas pu être mis") +
                 " en PDF : " + file.error;
    return;
  }
  const std::string name =
      invoice ? "Facture " + mail.document["invoice"].value("number", "") + ".pdf" : mail.attachment_name;
  mail.message.attachments.push_back({name, "application/pdf", std::string(file.bytes.begin(), file.bytes.end())});
}

}  // namespace quittance::server
