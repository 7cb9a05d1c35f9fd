// The receipts book's PDF. See receipts_journal_pdf.h.
#include "pdf/receipts_journal_pdf.h"

#include <algorithm>
#include <string>

#include "core/date.h"
#include "core/money.h"
#include "pdf/document_fields.h"
#include "pdf/page_writer.h"

namespace quittance::pdf {

namespace {

using Json = nlohmann::json;

// "2026-11" -> « novembre 2026 ».
std::string month_fr(const std::string& ym) {
  const int m = ym.size() == 7 ? std::stoi(ym.substr(5, 2)) : 0;
  return m >= 1 && m <= 12 ? std::string(core::month_name_fr(m)) + " " + ym.substr(0, 4) : ym;
}

// Columns' left edges; the amount's right edge is kRight.
constexpr float kColWho = kMargin + 58, kColInvoices = kMargin + 205, kColMethod = kMargin + 300;

void draw(Writer& w, const Json& j) {
  const Json practice = j.value("practice", Json::object());
  const core::Currency currency = currency_of(j);
  const auto money = [&currency](std::int64_t minor) { return amount_fr(minor, currency); };
  const std::string name = practice_name(practice);
  const std::string period = "Du " + date_fr(text_of(j, "from")) + " au " + date_fr(text_of(j, "to"));

  // On every page: who keeps the book, and which; the columns' header.
  auto page_head = [&w, &name, &period, &j] {
    w.text(kMargin, w.y, name, 11, true);
    w.right(kRight, w.y, "LIVRE-JOURNAL DES RECETTES", 13, true);
    w.y += 15;
    w.right(kRight, w.y, period + " – édité le " + date_fr(text_of(j, "issued_on")), 9);
  };
  auto columns = [&w] {
    w.text(kMargin, w.y, "Date", 9, true);
    w.text(kColWho, w.y, "Patient (payeur)", 9, true);
    w.text(kColInvoices, w.y, "Factures", 9, true);
    w.text(kColMethod, w.y, "Mode de paiement", 9, true);
    w.right(kRight, w.y, "Montant", 9, true);
    w.rule(w.y + 4);
    w.y += 16;
  };
  page_head();
  w.y += 13;
  w.paragraph(kMargin, text_of(practice, "address"), 260, 9);
  if (!text_of(practice, "siret").empty()) w.paragraph(kMargin, "SIRET : " + text_of(practice, "siret"), 260, 9);
  w.y += 14;
  columns();

  // What the pages so far add up to: carried to the foot of each page and the head of the next.
  std::int64_t carried = 0;
  w.on_page_end = [&] {
    w.rule(kBottom - 6);
    w.text(kColMethod, kBottom + 6, "À reporter", 9, true);
    w.right(kRight, kBottom + 6, money(carried), 9, true);
  };
  w.on_new_page = [&] {
    page_head();
    w.y += 20;
    columns();
    w.text(kColMethod, w.y, "Report", 9, true);
    w.right(kRight, w.y, money(carried), 9, true);
    w.y += 15;
  };

  const Json& entries = j.value("entries", Json::array());
  const Json& days = j.value("days", Json::array());
  const Json& months = j.value("months", Json::array());
  std::size_t day_index = 0, month_index = 0;
  auto total_line = [&](const std::string& label, std::int64_t amount, float size) {
    w.ensure(size + 6);
    w.text(kColInvoices, w.y, label, size, true);
    w.right(kRight, w.y, money(amount), size, true);
    w.y += size + 6;
  };
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Json& e = entries[i];
    std::string who = text_of(e, "patient");
    if (!text_of(e, "payer").empty()) who += " (" + text_of(e, "payer") + ")";
    const std::string method = e.value("refund", false) ? "Remboursement (" + text_of(e, "method") + ")" : text_of(e, "method");
    const auto who_lines = w.wrap(who, kColInvoices - kColWho - 8, 9);
    const auto invoice_lines = w.wrap(text_of(e, "invoices"), kColMethod - kColInvoices - 8, 9);
    const auto method_lines = w.wrap(method, kRight - 70 - kColMethod, 9);
    const std::size_t rows = std::max({std::size_t{1}, who_lines.size(), invoice_lines.size(), method_lines.size()});
    w.ensure(12.0f * static_cast<float>(rows));
    w.text(kMargin, w.y, date_fr(text_of(e, "date")), 9);
    w.right(kRight, w.y, money(int_of(e, "amount")), 9);
    for (std::size_t r = 0; r < rows; ++r) {
      if (r < who_lines.size()) w.text(kColWho, w.y, who_lines[r], 9);
      if (r < invoice_lines.size()) w.text(kColInvoices, w.y, invoice_lines[r], 9);
      if (r < method_lines.size()) w.text(kColMethod, w.y, method_lines[r], 9);
      w.y += 12;
    }
    carried += int_of(e, "amount");
    // The day's total after its last receipt, the month's after its last day.
    const bool day_ends = i + 1 == entries.size() || text_of(entries[i + 1], "date") != text_of(e, "date");
    if (day_ends && day_index < days.size()) {
      total_line("Total du " + date_fr(text_of(days[day_index], "date")), int_of(days[day_index], "total"), 8);
      ++day_index;
    }
    const bool month_ends =
        i + 1 == entries.size() || text_of(entries[i + 1], "date").substr(0, 7) != text_of(e, "date").substr(0, 7);
    if (month_ends && month_index < months.size()) {
      total_line("Total " + month_fr(text_of(months[month_index], "month")), int_of(months[month_index], "total"), 9);
      ++month_index;
      w.y += 4;
    }
  }
  if (entries.empty()) w.paragraph(kMargin, "Aucune recette sur la période.", kRight - kMargin, 10);
  w.on_page_end = nullptr;
  w.on_new_page = nullptr;

  // By method of payment, and the period's total.
  w.y += 10;
  w.ensure(40);
  w.text(kMargin, w.y, "Totaux par mode de paiement", 11, true);
  w.y += 16;
  for (const Json& m : j.value("methods", Json::array())) {
    w.ensure(14);
    w.text(kColWho, w.y, text_of(m, "method"), 10);
    w.right(kRight, w.y, money(int_of(m, "total")), 10);
    w.y += 14;
  }
  w.rule(w.y - 6);
  w.y += 8;
  total_line("Total des recettes de la période", int_of(j, "total"), 11);
  w.number_pages();
}

}  // namespace

PdfResult receipts_journal_pdf(const nlohmann::json& journal) {
  if (!journal.is_object()) return PdfResult{{}, "not a receipts journal"};
  return render_pdf("Livre-journal des recettes", [&journal](Writer& w) { draw(w, journal); });
}

}  // namespace quittance::pdf
