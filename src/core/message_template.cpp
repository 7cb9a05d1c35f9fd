// Template fields. See message_template.h.
#include "core/message_template.h"

#include "core/text.h"

namespace quittance::core {

const std::vector<TemplateField>& template_fields() {
  static const std::vector<TemplateField> fields = {
      {"numero_facture", "field.invoice_number"}, {"date_facture", "field.invoice_date"},
      {"total", "field.total"},                   {"reste_du", "field.amount_due"},
      {"patient", "field.patient"},               {"facture_a", "field.bill_to"},
      {"cabinet", "field.practice"},
      // A payment link's (« Demande de paiement »; in an invoice email, its latest open link).
      {"montant_demande", "field.amount_requested"}, {"lien_paiement", "field.payment_link"},
      {"date_limite", "field.link_expiry"},
  };
  return fields;
}

namespace {

bool known(std::string_view key) {
  for (const TemplateField& f : template_fields()) {
    if (key == f.key) return true;
  }
  return false;
}

// Calls `text(piece)` for literal text and `field(key)` for each {{key}}; stops at an unclosed
// "{{" and returns its position (npos when none).
template <typename Text, typename Field>
std::size_t walk(std::string_view s, Text text, Field field) {
  std::size_t at = 0;
  while (at < s.size()) {
    const std::size_t open = s.find("{{", at);
    if (open == std::string_view::npos) break;
    const std::size_t close = s.find("}}", open + 2);
    if (close == std::string_view::npos) return open;
    text(s.substr(at, open - at));
    field(trim(s.substr(open + 2, close - open - 2), " "));
    at = close + 2;
  }
  text(s.substr(at));
  return std::string_view::npos;
}

template <typename Escape>
std::string fill(std::string_view s, const std::map<std::string, std::string>& values, Escape escape) {
  std::string out;
  walk(
      s, [&](std::string_view piece) { out += escape(piece); },
      [&](std::string_view key) {
        auto it = values.find(std::string(key));
        if (it != values.end()) out += escape(it->second);
      });
  return out;
}

}  // namespace

TemplateCheck check_template(std::string_view text) {
  TemplateCheck check;
  const std::size_t open = walk(
      text, [](std::string_view) {},
      [&](std::string_view key) {
        if (check.ok && !known(key)) {
          check.ok = false;
          check.field = std::string(key);
        }
      });
  if (check.ok && open != std::string_view::npos) {
    check.ok = false;
    check.unclosed = true;
    check.field = std::string(text.substr(open, 30));
  }
  return check;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\n': out += "<br>\n"; break;
      case '\r': break;
      default: out += c;
    }
  }
  return out;
}

std::string fill_template(std::string_view text, const std::map<std::string, std::string>& values) {
  return fill(text, values, [](std::string_view s) { return std::string(s); });
}

std::string fill_template_html(std::string_view text, const std::map<std::string, std::string>& values) {
  return fill(text, values, html_escape);
}

}  // namespace quittance::core
