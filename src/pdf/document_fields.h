// What every document's PDF reads from its JSON and writes the French way: a field's text or
// integer (empty or 0 when missing or of another type: a PDF is drawn, never refused, for a
// field the query did not give), a date as « 21/11/2026 », an amount in the document's currency.
// Internal to src/pdf.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/money.h"

namespace quittance::pdf {

std::string text_of(const nlohmann::json& j, const char* key);
std::int64_t int_of(const nlohmann::json& j, const char* key);
std::string date_fr(const std::string& iso);  // an unreadable date is printed as it came
// The document's "currency" (ISO code), the euro when it has none we know.
core::Currency currency_of(const nlohmann::json& document);
std::string amount_fr(std::int64_t minor, const core::Currency& currency);  // "1 234,56 €", "5 000 XPF"
// The practice's name with its « EI » mention, as the law wants it beside the name.
std::string practice_name(const nlohmann::json& practice);
class Writer;
// At the top left of a document's first page: that name (bold, wrapped) and the address below
// it, `y` left under them.
void draw_practice(Writer& w, const nlohmann::json& practice);

}  // namespace quittance::pdf
