// The payment request email. See mail/request_mail.h.
#include "server/mail/request_mail.h"

#include "app/settings_keys.h"
#include "core/schedule.h"
#include "server/stripe/records.h"
#include "zone/local_time.h"

namespace quittance::server {

namespace {

constexpr const char* kNoPublicUrl =
    "Adresse publique du serveur inconnue (QUITTANCE_PUBLIC_URL) : le lien ne peut pas être envoyé.";

// A request still waiting for the patient, as stored (expired is not stored: see
// app/payment_requests.h). Instants compare as text: both are "YYYY-MM-DDTHH:MM:SSZ".
constexpr const char* kWaiting = "r.state IN ('sent', 'opened', 'failed') AND r.expires_at > ?";

// "2026-12-11T10:00:00Z" → « 11 décembre 2026 à 11:00 », at the practice's (the patient's) time.
std::string fr_instant(const std::string& iso, const std::string& zone) {
  const std::string text = zone::date_time_fr(iso, zone);
  return text.empty() ? iso : text;
}

std::string link_of(const std::string& public_url, const std::string& token) { return public_url + "/pay/" + token; }

// The view's amount to pay now, card fee included ("105,00 €").
std::string amount_of(const app::Json& view) {
  // A card request takes no money: the sentence still reads right.
  if (view.value("kind", std::string()) == "card") return "aucun montant (enregistrement d'une carte)";
  return format_amount(view.value("total", std::int64_t{0}), view.value("currency", std::string("EUR")));
}

app::Json view_of(app::CommandLayer& commands, const std::string& token) {
  app::Json answer = commands.query({{"cmd", "payment_request.view"}, {"token", token}});
  return answer.value("ok", false) && answer["result"].is_object() ? std::move(answer["result"]) : app::Json();
}

}  // namespace

std::optional<MailTemplate> request_template(store::Database& books) {
  store::Statement s = books.prepare("SELECT id FROM message_templates WHERE system_key = ?");
  s.bind(1, kRequestTemplateKey);
  if (!s.step()) return std::nullopt;
  return find_template(books, s.column_text(0));
}

std::vector<OutboxRow> request_mail_plans(store::Database& books, const MailTemplate& t, std::int64_t now) {
  store::Statement s = books.prepare(
      std::string("SELECT r.id, r.patient_id, r.recipient, r.created_at, COALESCE((SELECT l.invoice_id FROM "
                  "payment_request_invoices l WHERE l.request_id = r.id ORDER BY l.position LIMIT 1), '') "
                  "FROM payment_requests r WHERE r.send_email = 1 AND ") +
      kWaiting + " ORDER BY r.created_at, r.id");
  s.bind(1, core::format_utc_instant(now));
  std::vector<OutboxRow> out;
  while (s.step()) {
    const std::optional<std::int64_t> created = core::parse_utc_instant(s.column_text(3));
    if (!created) continue;
    OutboxRow row = asked_row(t.id, t.name, s.column_text(0), s.column_text(1), *created, s.column_text(2));
    row.invoice_id = s.column_text(4);
    out.push_back(std::move(row));
  }
  return out;
}

std::string request_of(const OutboxRow& row, const MailTemplate& request_template) {
  const std::string prefix = request_template.id + ":";
  if (row.template_id != request_template.id || row.id.compare(0, prefix.size(), prefix) != 0) return "";
  return row.id.substr(prefix.size());
}

RequestPayments request_payments(Sql& server, const std::string& clinic_id, const std::string& request_id) {
  RequestPayments p;
  for (const ChargeRecord& c : find_request_charges(server, clinic_id, request_id)) {
    p.paid = p.paid || c.status == "succeeded";
    p.under_way = p.under_way || c.status == "processing";
  }
  for (const CardSetup& s : find_request_setups(server, clinic_id, request_id)) {
    p.paid = p.paid || !s.payment_method_id.empty();
  }
  return p;
}

RequestFacts request_facts(store::Database& books, app::CommandLayer& commands, const std::string& request_id) {
  RequestFacts r;
  // The name goes with the address chosen at creation (app/payment_requests.cpp): the first
  // invoice's « Facturé à » payer, else the patient.
  store::Statement s = books.prepare(
      "SELECT r.kind, r.state, r.token, r.expires_at, r.recipient, "
      "COALESCE((SELECT c.name FROM contacts c WHERE c.id = (SELECT i.contact_id FROM payment_request_invoices l "
      "JOIN invoices i ON i.id = l.invoice_id "
      "WHERE l.request_id = r.id ORDER BY l.position LIMIT 1)), p.name) "
      "FROM payment_requests r JOIN patients p ON p.id = r.patient_id WHERE r.id = ?");
  s.bind(1, request_id);
  if (!s.step()) return r;
  r.kind = s.column_text(0);
  r.state = s.column_text(1);
  r.token = s.column_text(2);
  r.expires_at = s.column_text(3);
  r.recipient = s.column_text(4);
  r.recipient_name = s.column_text(5);
  r.time_zone = app::setting_or_default(books, "practice.time_zone");
  r.view = view_of(commands, r.token);
  r.exists = r.view.is_object();
  return r;
}

std::string request_cancel_reason(const RequestFacts& r, const RequestPayments& server, std::int64_t now) {
  if (!r.exists) return "demande introuvable";
  if (server.paid || r.state == "paid") return r.kind == "card" ? "carte enregistrée" : "demande réglée";
  if (r.state == "cancelled") return "demande annulée";
  // By the server's clock: the view's expiry reads the system's.
  const std::optional<std::int64_t> expires = core::parse_utc_instant(r.expires_at);
  if (!expires || *expires <= now) return "demande expirée";
  if (r.kind == "invoices") {
    // Paid at the desk or cancelled since the request was made: nothing is left to ask.
    bool any_open = false;
    for (const app::Json& inv : r.view.value("invoices", app::Json::array())) {
      any_open = any_open || !inv.value("cancelled", false);
    }
    if (!any_open) return "factures annulées";
    if (r.view.value("amount", std::int64_t{0}) <= 0) return "factures réglées";
  }
  return "";
}

ComposedMail compose_request_mail(const RequestFacts& r, const MailTemplate& t, const std::string& public_url) {
  if (public_url.empty()) {
    ComposedMail out;
    out.recipient = r.recipient;
    out.error = kNoPublicUrl;  // a link without its host would reach no page
    return out;
  }
  const app::Json practice = r.view.value("practice", app::Json::object());
  const std::map<std::string, std::string> values = {
      {"facture_a", r.recipient_name},
      {"patient", r.view.value("patient_name", std::string())},
      {"cabinet", practice.value("name", std::string())},
      {"montant_demande", amount_of(r.view)},
      {"lien_paiement", link_of(public_url, r.token)},
      {"date_limite", fr_instant(r.expires_at, r.time_zone)},
  };
  return fill_mail(
      t, values,
      {practice.value("name", std::string()), practice.value("email", std::string()), r.recipient_name, r.recipient});
}

std::map<std::string, std::string> invoice_link_fields(store::Database& books, app::CommandLayer& commands,
                                                       const std::string& invoice_id, const std::string& public_url,
                                                       std::int64_t now) {
  std::map<std::string, std::string> out = {{"montant_demande", ""}, {"lien_paiement", ""}, {"date_limite", ""}};
  if (public_url.empty()) return out;  // an amount and a date with no link to pay them would puzzle
  store::Statement s = books.prepare(
      std::string("SELECT r.token, r.expires_at FROM payment_request_invoices l JOIN payment_requests r ON "
                  "r.id = l.request_id WHERE l.invoice_id = ? AND ") +
      kWaiting + " ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1");
  s.bind(1, invoice_id).bind(2, core::format_utc_instant(now));
  if (!s.step()) return out;
  const app::Json view = view_of(commands, s.column_text(0));
  const std::string state = view.is_object() ? view.value("state", std::string()) : "";
  if (state.empty() || state == "paid" || state == "cancelled") return out;
  out["montant_demande"] = amount_of(view);
  out["lien_paiement"] = link_of(public_url, s.column_text(0));
  out["date_limite"] = fr_instant(s.column_text(1), app::setting_or_default(books, "practice.time_zone"));
  return out;
}

}  // namespace quittance::server
