// The statement of account's PDF. See statement_pdf.h.
#include "pdf/statement_pdf.h"

#include <algorithm>
#include <string>

#include "core/date.h"
#include "core/money.h"
#include "pdf/document_fields.h"
#include "pdf/page_writer.h"

namespace quittance::pdf {

namespace {

using Json = nlohmann::json;


// Right edges of the amounts; the label runs from kColLabel to before the debit.
constexpr float kColLabel = kMargin + 70, kColDebit = kRight - 160, kColCredit = kRight - 80;

void draw(Writer& w, const Json& s) {
  const Json practice = s.value("practice", Json::object());
  const Json patient = s.value("patient", Json::object());
  const core::Currency currency = currency_of(s);
  const auto money = [&currency](std::int64_t minor) { return amount_fr(minor, currency); };

  w.right(kRight, kMargin + 10, "RELEVÉ DE COMPTE", 16, true);
  const std::string period = text_of(s, "from").empty() ? "Au " + date_fr(text_of(s, "to"))
                                                         : "Du " + date_fr(text_of(s, "from")) + " au " + date_fr(text_of(s, "to"));
  w.right(kRight, kMargin + 30, period, 10);
  draw_practice(w, practice);
  const float top = std::max(w.y, kMargin + 60.0f) + 14;
  w.y = top;
  w.paragraph(320, text_of(patient, "name") + "\n" + text_of(patient, "address"), kRight - 320, 10);
  w.y = std::max(w.y, top + 40) + 16;

  auto header = [&w] {
    w.text(kMargin, w.y, "Date", 9, true);
    w.text(kColLabel, w.y, "Opération", 9, true);
    w.right(kColDebit, w.y, "Débit", 9, true);
    w.right(kColCredit, w.y, "Crédit", 9, true);
    w.right(kRight, w.y, "Solde", 9, true);
    w.rule(w.y + 4);
    w.y += 16;
  };
  header();
  w.on_new_page = header;
  auto row = [&](const std::string& date, const std::string& label, std::int64_t debit, std::int64_t credit,
                 std::int64_t balance, bool strong) {
    const auto lines = w.wrap(label, kColDebit - 70 - kColLabel, 10, strong);
    w.ensure(13.0f * static_cast<float>(std::max<std::size_t>(1, lines.size())));
    w.text(kMargin, w.y, date, 10, strong);
    if (debit) w.right(kColDebit, w.y, money(debit), 10, strong);
    if (credit) w.right(kColCredit, w.y, money(credit), 10, strong);
    w.right(kRight, w.y, money(balance), 10, strong);
    for (const std::string& l : lines) {
      w.text(kColLabel, w.y, l, 10, strong);
      w.y += 13;
    }
  };
  if (!text_of(s, "from").empty()) row(date_fr(text_of(s, "from")), "Solde reporté", 0, 0, int_of(s, "opening_balance"), true);
  for (const Json& l : s.value("lines", Json::array())) {
    row(date_fr(text_of(l, "date")), text_of(l, "label"), int_of(l, "debit"), int_of(l, "credit"), int_of(l, "balance"), false);
  }
  w.on_new_page = nullptr;
  w.rule(w.y - 6);
  w.y += 8;
  const std::int64_t closing = int_of(s, "closing_balance");
  const std::string words = closing > 0 ? "Solde à régler au " : closing < 0 ? "Solde en votre faveur au " : "Compte soldé au ";
  w.ensure(20);
  w.text(kColLabel, w.y, words + date_fr(text_of(s, "to")), 11, true);
  w.right(kRight, w.y, money(closing < 0 ? -closing : closing), 11, true);
  w.y += 24;
  w.paragraph(kMargin, "Édité le " + date_fr(text_of(s, "issued_on")) + ".", kRight - kMargin, 9);
  w.number_pages();
}

}  // namespace

PdfResult statement_pdf(const nlohmann::json& statement) {
  if (!statement.is_object()) return PdfResult{{}, "not a statement"};
  return render_pdf("Releve de compte", [&statement](Writer& w) { draw(w, statement); });
}

}  // namespace quittance::pdf
