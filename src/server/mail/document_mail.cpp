// Document emails. See mail/document_mail.h.
#include "server/mail/document_mail.h"

#include "core/schedule.h"

namespace quittance::server {

namespace {
constexpr std::int64_t kPlannedDays = 30;  // older asks are history, not to be sent after a long outage
}  // namespace

std::vector<MailTemplate> document_templates(store::Database& books) {
  std::vector<MailTemplate> out;
  store::Statement s = books.prepare(
      "SELECT id FROM message_templates WHERE system_key IN ('attestation', 'statement') ORDER BY id");
  while (s.step()) {
    if (std::optional<MailTemplate> t = find_template(books, s.column_text(0))) out.push_back(std::move(*t));
  }
  return out;
}

std::vector<OutboxRow> document_mail_plans(store::Database& books, const MailTemplate& t, std::int64_t now) {
  store::Statement s = books.prepare(
      "SELECT id, patient_id, recipient, created_at FROM document_emails "
      "WHERE kind = ?1 AND created_at >= ?2 ORDER BY created_at, id");
  // Instants compare as text: both are "YYYY-MM-DDTHH:MM:SSZ".
  s.bind(1, t.system_key).bind(2, core::format_utc_instant(now - kPlannedDays * 86400));
  std::vector<OutboxRow> out;
  while (s.step()) {
    const std::optional<std::int64_t> created = core::parse_utc_instant(s.column_text(3));
    if (!created) continue;
    out.push_back(asked_row(t.id, t.name, s.column_text(0), s.column_text(1), *created, s.column_text(2)));
  }
  return out;
}

std::string document_of(const OutboxRow& row, const std::vector<MailTemplate>& templates) {
  for (const MailTemplate& t : templates) {
    const std::string prefix = t.id + ":";
    if (row.template_id == t.id && row.id.compare(0, prefix.size(), prefix) == 0) return row.id.substr(prefix.size());
  }
  return "";
}

ComposedMail compose_document_mail(store::Database& books, app::CommandLayer& commands, const MailTemplate& t,
                                   const std::string& document_id) {
  ComposedMail out;
  store::Statement s = books.prepare(
      "SELECT d.patient_id, d.kind, d.period_from, d.period_to, d.recipient, p.name "
      "FROM document_emails d JOIN patients p ON p.id = d.patient_id WHERE d.id = ?1");
  s.bind(1, document_id);
  if (!s.step()) {
    out.error = "Document introuvable dans les données du cabinet.";
    return out;
  }
  const std::string patient = s.column_text(0), kind = s.column_text(1), from = s.column_text(2), to = s.column_text(3);
  out.recipient = s.column_text(4);
  const std::string patient_name = s.column_text(5);
  const bool attestation = kind == "attestation";
  app::Json query = {{"cmd", attestation ? "patient.attestation" : "patient.statement"}, {"patient_id", patient}};
  if (attestation) {
    // "YYYY-01-01" as the command wrote it; anything else is refused by the query, said below.
    query["year"] = from.size() >= 4 && from.find_first_not_of("0123456789") == 4 ? std::stoi(from.substr(0, 4)) : 0;
  } else {
    if (!from.empty()) query["from"] = from;
    query["to"] = to;
  }
  app::Json answer = commands.query(query);
  if (answer.value("ok", false) != true) {
    out.error = "Le document n'a pas pu être établi : " + answer.value("error", app::Json::object()).value("message", std::string());
    return out;
  }
  app::Json& doc = answer["result"];
  const app::Json practice = doc.value("practice", app::Json::object());
  const std::string cabinet = practice.value("name", std::string());
  const std::string recipient = out.recipient;
  out = fill_mail(t, {{"patient", patient_name}, {"facture_a", patient_name}, {"cabinet", cabinet}},
                  {cabinet, practice.value("email", std::string()), patient_name, recipient});
  if (!out.error.empty()) return out;
  // The PDF is made by attach_pdf, outside the books' lock, once the daily cap lets it go.
  out.attach_pdf = true;
  out.document_kind = attestation ? "attestation" : "statement";
  out.attachment_name = attestation ? "Attestation de paiement " + from.substr(0, 4) + ".pdf" : "Relevé de compte " + to + ".pdf";
  out.document = std::move(doc);
  return out;
}

}  // namespace quittance::server
