// The invoice's PDF. See invoice_pdf.h.
#include "pdf/invoice_pdf.h"

#include <hpdf.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "pdf/document_fields.h"
#include "pdf/page_writer.h"
#include "pdf/winansi.h"

namespace quittance::pdf {

namespace {

using Json = nlohmann::json;



// « Espèces », « Espèces et Chèque », « Espèces, Chèque et Carte bancaire ».
std::string joined(const Json& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " et " : ", ";
    out += words[i].is_string() ? words[i].get<std::string>() : std::string();
  }
  return out;
}

// "1,5" for 1500 thousandths.
std::string quantity(std::int64_t milli) {
  std::string out = std::to_string(milli / 1000);
  std::string decimals = std::to_string(1000 + milli % 1000).substr(1);
  while (!decimals.empty() && decimals.back() == '0') decimals.pop_back();
  return decimals.empty() ? out : out + "," + decimals;
}

// Columns of the lines' table, right edges for the numbers: 70 points apart, room for
// « -12 345,67 € » in 10-point Helvetica.
constexpr float kColTotal = kRight, kColDiscount = kColTotal - 70, kColUnit = kColDiscount - 70,
                kColQty = kColUnit - 60, kColDate = kColQty - 85;  // kColDate: left edge
constexpr float kLabelWidth = kColDate - 10 - kMargin;

void draw(Writer& w, const Json& doc) {
  const Json practice = doc.value("practice", Json::object());
  const Json bill_to = doc.value("bill_to", Json::object());
  // An invoice, or a credit note ("kind": "credit_note"): the same page, its own title,
  // reference to the invoice it corrects, and totals.
  const bool credit = text_of(doc, "kind") == "credit_note";
  const Json inv = doc.value(credit ? "credit_note" : "invoice", Json::object());
  const std::string number = text_of(inv, "number");
  const bool cancelled = !credit && text_of(inv, "status") == "cancelled";
  const bool taxed = int_of(inv, "tax") != 0;
  const core::Currency currency = currency_of(inv);
  const auto money = [&currency](std::int64_t minor) { return amount_fr(minor, currency); };

  // Header: the document on the right, the practice on the left (its name with the « EI »
  // mention, as the law wants it next to the name).
  // A receipt (« facture acquittée »): the paid invoice, titled so, saying when and how.
  const bool receipt = !credit && doc.contains("receipt");
  const std::string title = credit      ? "AVOIR"
                            : number.empty() ? "BROUILLON DE FACTURE"
                            : cancelled      ? "FACTURE ANNULÉE"
                            : receipt        ? "FACTURE ACQUITTÉE"
                                             : "FACTURE";
  w.right(kRight, kMargin + 10, title, 18, true);
  if (!number.empty()) w.right(kRight, kMargin + 32, "N° " + number, 11, true);
  if (!text_of(inv, "issued_on").empty()) w.right(kRight, kMargin + 48, "Date : " + date_fr(text_of(inv, "issued_on")), 10);
  const std::string name = practice_name(practice);
  w.y = kMargin + 10;
  const float header_width = kRight - kMargin - w.width(title, 18, true) - 20;
  for (const std::string& line : w.wrap(name, header_width, 14, true)) {
    w.text(kMargin, w.y, line, 14, true);
    w.y += 16;
  }
  w.paragraph(kMargin, text_of(practice, "address"), std::min(header_width, 260.0f), 10);
  for (const auto& [key, label] : {std::pair{"siret", "SIRET : "}, std::pair{"rpps", "RPPS : "},
                                   std::pair{"adeli", "ADELI : "}}) {
    if (!text_of(practice, key).empty()) w.paragraph(kMargin, label + text_of(practice, key), 260, 9);
  }

  // Who is billed, and for whom.
  const float top = std::max(w.y, kMargin + 70.0f) + 14;
  const float box = 320;
  w.y = top;
  w.text(box, w.y, credit ? "Destinataire" : "Facturé à", 9, true);
  w.y += 13;
  w.paragraph(box, text_of(bill_to, "name") + "\n" + text_of(bill_to, "address"), kRight - box, 10);
  if (text_of(bill_to, "name") != text_of(inv, "patient_name")) {
    w.paragraph(box, "Patient : " + text_of(inv, "patient_name"), kRight - box, 9);
  }
  w.y = std::max(w.y, top + 40) + 16;
  // A credit note names the invoice it corrects (or cancels).
  if (credit && !text_of(inv, "invoice_number").empty()) {
    const std::string on = text_of(inv, "invoice_issued_on").empty() ? "" : " du " + date_fr(text_of(inv, "invoice_issued_on"));
    w.paragraph(kMargin,
                (inv.value("cancels", false) ? "Avoir d’annulation de la facture N° " : "Avoir sur la facture N° ") +
                    text_of(inv, "invoice_number") + on,
                kRight - kMargin, 10, true);
    w.y += 8;
  }

  // The lines, their header again on every page they run onto.
  auto table_header = [&w, taxed] {
    w.text(kMargin, w.y, "Désignation", 9, true);
    w.text(kColDate, w.y, "Date", 9, true);
    w.right(kColQty, w.y, "Qté", 9, true);
    w.right(kColUnit, w.y, taxed ? "P.U. HT" : "Prix unit.", 9, true);
    w.right(kColDiscount, w.y, "Remise", 9, true);
    w.right(kColTotal, w.y, taxed ? "Total HT" : "Total", 9, true);
    w.y += 5;
    w.rule(w.y);
    w.y += 14;
  };
  w.ensure(60);
  table_header();
  w.on_new_page = [&w, &table_header, &number, credit] {
    w.text(kMargin, w.y,
           (credit ? "Avoir " + number : number.empty() ? std::string("Brouillon") : "Facture " + number) + " (suite)", 10,
           true);
    w.y += 20;
    table_header();
  };
  Json lines = inv.value("lines", Json::array());
  if (lines.empty() && credit) {  // a cancellation's credit note may carry no lines of its own
    lines.push_back({{"label", "Annulation de la facture " + text_of(inv, "invoice_number")},
                     {"quantity_milli", 1000}, {"unit_price", int_of(inv, "total")}, {"net", int_of(inv, "net")},
                     {"total", int_of(inv, "total")}});
  }
  for (const Json& line : lines) {
    const std::vector<std::string> label = w.wrap(text_of(line, "label"), kLabelWidth, 10);
    w.ensure(13.0f * static_cast<float>(std::max<std::size_t>(1, label.size())) + 2);
    const float row = w.y;
    if (!text_of(line, "service_date").empty()) w.text(kColDate, row, date_fr(text_of(line, "service_date")), 10);
    w.right(kColQty, row, quantity(int_of(line, "quantity_milli")), 10);
    w.right(kColUnit, row, money(int_of(line, "unit_price")), 10);
    if (int_of(line, "discount") != 0) w.right(kColDiscount, row, "-" + money(int_of(line, "discount")), 10);
    w.right(kColTotal, row, money(taxed ? int_of(line, "net") : int_of(line, "total")), 10);
    for (const std::string& l : label) {
      w.text(kMargin, w.y, l, 10);
      w.y += 13;
    }
    w.y += 2;
  }
  w.on_new_page = nullptr;
  w.rule(w.y - 6);
  w.y += 10;

  // Totals, payments received, what remains.
  const float label_x = 360;
  auto amount_line = [&w, &money, label_x](const std::string& label, std::int64_t amount, bool strong, float size = 10) {
    w.ensure(size + 5);
    w.text(label_x, w.y, label, size, strong);
    w.right(kRight, w.y, money(amount), size, strong);
    w.y += size + 5;
  };
  if (taxed) {
    amount_line("Total HT", int_of(inv, "net"), false);
    amount_line("TVA", int_of(inv, "tax"), false);
  }
  amount_line(credit ? (taxed ? "Total TTC de l’avoir" : "Montant de l’avoir") : taxed ? "Total TTC" : "Total",
              int_of(inv, "total"), true);
  // A titled list of dated or named amounts: the payments an invoice received, the invoices a
  // credit note paid.
  auto amount_list = [&w, &money](const char* title, const std::vector<std::pair<std::string, std::int64_t>>& rows) {
    if (rows.empty()) return;
    w.y += 6;
    w.ensure(28);
    w.text(kMargin, w.y, title, 10, true);
    w.y += 14;
    for (const auto& [what, amount] : rows) {
      w.ensure(13);
      w.text(kMargin, w.y, what, 10);
      w.right(kRight, w.y, money(amount), 10);
      w.y += 13;
    }
    w.y += 4;
  };
  if (credit) {
    std::vector<std::pair<std::string, std::int64_t>> applied;
    for (const Json& a : inv.value("applied", Json::array())) {
      applied.emplace_back("Appliqué à la facture " + text_of(a, "invoice_number"), int_of(a, "amount"));
    }
    amount_list("Utilisé", applied);
    amount_line("Crédit disponible", int_of(inv, "available"), true, 11);
  }
  std::vector<std::pair<std::string, std::int64_t>> received;
  for (const Json& a : inv.value("allocations", Json::array())) {
    std::string what = text_of(a, "type");
    if (!text_of(a, "credit_note_number").empty()) what = "Avoir " + text_of(a, "credit_note_number");
    received.emplace_back(date_fr(text_of(a, "date")) + "  " + what, int_of(a, "amount"));
  }
  amount_list("Paiements reçus", received);
  if (!credit) {
    amount_line("Réglé", int_of(inv, "settled"), false);
    amount_line("Reste dû", int_of(inv, "due"), true, 11);
  }
  if (receipt) {
    const Json r = doc["receipt"];
    w.y += 4;
    w.paragraph(kMargin, "Acquittée le " + date_fr(text_of(r, "paid_on")) + " par " + joined(r.value("methods", Json::array())) + ".",
                kRight - kMargin, 11, true);
  }
  if (cancelled) {
    w.y += 4;
    w.paragraph(kMargin, "Cette facture est annulée : l’avoir qui l’annule en règle le montant.", kRight - kMargin, 10,
                true);
  }

  // Legal mentions and terms, after the totals (on a new page if they do not fit).
  w.y += 18;
  w.ensure(30);
  w.rule(w.y - 12, 0.8f);
  // The exemption mention only on an invoice without VAT: with VAT it would contradict it.
  if (!taxed && !text_of(practice, "vat_mention").empty()) w.paragraph(kMargin, text_of(practice, "vat_mention"), kRight - kMargin, 8);
  for (const std::string& text : {text_of(inv, "notes"), text_of(practice, "cancellation_terms")}) {
    if (!text.empty()) w.paragraph(kMargin, text, kRight - kMargin, 8);
  }
  if (!text_of(practice, "cgv_url").empty()) {
    w.paragraph(kMargin, "Conditions générales : " + text_of(practice, "cgv_url"), kRight - kMargin, 8);
  }
  w.number_pages();
}

}  // namespace

PdfResult invoice_pdf(const nlohmann::json& document) {
  if (!document.is_object()) return PdfResult{{}, "not a document"};
  const bool credit = text_of(document, "kind") == "credit_note";
  const std::string title = (credit ? "Avoir " : "Facture ") +
                            text_of(document.value(credit ? "credit_note" : "invoice", Json::object()), "number");
  return render_pdf(title, [&document](Writer& w) { draw(w, document); });
}

}  // namespace quittance::pdf
