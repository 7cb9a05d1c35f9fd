// Document fields. See document_fields.h.
#include "pdf/document_fields.h"

#include "core/date.h"
#include "pdf/page_writer.h"

namespace quittance::pdf {

std::string text_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t int_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string date_fr(const std::string& iso) {
  const auto d = core::parse_iso_date(iso);
  return d ? core::format_fr(*d) : iso;
}

core::Currency currency_of(const nlohmann::json& document) {
  return core::currency_from_code(text_of(document, "currency")).value_or(core::euro());
}

std::string amount_fr(std::int64_t minor, const core::Currency& currency) {
  return core::format_fr(core::Money{minor, currency});
}

std::string practice_name(const nlohmann::json& practice) {
  std::string name = text_of(practice, "name");
  if (!name.empty() && !text_of(practice, "ei_mention").empty()) name += " – " + text_of(practice, "ei_mention");
  return name;
}

void draw_practice(Writer& w, const nlohmann::json& practice) {
  w.y = kMargin + 10;
  for (const std::string& line : w.wrap(practice_name(practice), 260, 13, true)) {
    w.text(kMargin, w.y, line, 13, true);
    w.y += 15;
  }
  w.paragraph(kMargin, text_of(practice, "address"), 260, 10);
}

}  // namespace quittance::pdf
