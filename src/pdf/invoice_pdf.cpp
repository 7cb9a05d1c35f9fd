// The invoice's PDF. See invoice_pdf.h.
#include "pdf/invoice_pdf.h"

#include <hpdf.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "pdf/winansi.h"

namespace quittance::pdf {

namespace {

using Json = nlohmann::json;

constexpr float kPageWidth = 595.0f, kPageHeight = 842.0f;  // A4, in points
constexpr float kMargin = 50.0f;
constexpr float kRight = kPageWidth - kMargin;

// libharu reports errors through a C callback: kept here, checked after each step.
struct ErrorSink {
  HPDF_STATUS status = HPDF_OK;
  HPDF_STATUS detail = 0;
};
void on_error(HPDF_STATUS status, HPDF_STATUS detail, void* user) {
  auto* sink = static_cast<ErrorSink*>(user);
  if (sink->status == HPDF_OK) {
    sink->status = status;
    sink->detail = detail;
  }
}

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
std::int64_t int_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

// In the document's own currency: "1 234,56 €", "5 000 XPF".
std::string amount_in(std::int64_t minor, const core::Currency& currency) {
  return core::format_fr(core::Money{minor, currency});
}

std::string date_fr(const std::string& iso) {
  const auto d = core::parse_iso_date(iso);
  return d ? core::format_fr(*d) : iso;
}

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

constexpr float kBottom = kPageHeight - kMargin - 20;  // below it: the page number

// Text drawing in WinAnsi, top-down coordinates (y from the top of the page), on as many pages
// as the content needs: ensure() starts a new page when what comes next would not fit.
class Writer {
 public:
  Writer(HPDF_Doc doc, HPDF_Font regular, HPDF_Font bold) : doc_(doc), regular_(regular), bold_(bold) { add_page(); }

  float y = kMargin;
  // Called at the top of every page after the first (the continued title, the table header).
  std::function<void()> on_new_page;

  void ensure(float height) {
    if (y + height <= kBottom) return;
    add_page();
    y = kMargin;
    if (on_new_page) on_new_page();
  }
  void text(float x, float at, const std::string& utf8, float size = 10, bool strong = false) {
    const std::string s = to_winansi(utf8);
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, strong ? bold_ : regular_, size);
    HPDF_Page_TextOut(page_, x, kPageHeight - at, s.c_str());
    HPDF_Page_EndText(page_);
  }
  void right(float x, float at, const std::string& utf8, float size = 10, bool strong = false) {
    text(x - width(utf8, size, strong), at, utf8, size, strong);
  }
  float width(const std::string& utf8, float size, bool strong) {
    HPDF_Font font = strong ? bold_ : regular_;
    return HPDF_Font_TextWidth(font, reinterpret_cast<const HPDF_BYTE*>(to_winansi(utf8).c_str()),
                               static_cast<HPDF_UINT>(to_winansi(utf8).size()))
               .width *
           size / 1000.0f;
  }
  // The lines `utf8` takes at `max_width` (words kept whole unless one alone is wider; a line
  // break in the text starts a line).
  std::vector<std::string> wrap(const std::string& utf8, float max_width, float size, bool strong = false) {
    std::vector<std::string> lines;
    std::string line;
    auto add_word = [&](std::string word) {
      if (word.empty()) return;
      const std::string candidate = line.empty() ? word : line + " " + word;
      if (width(candidate, size, strong) <= max_width) {
        line = candidate;
        return;
      }
      if (!line.empty()) lines.push_back(line);
      line.clear();
      // A word wider than the box (an address of the terms of sale) is cut where it must.
      while (width(word, size, strong) > max_width && word.size() > 1) {
        std::size_t cut = word.size() - 1;
        while (cut > 1 && (width(word.substr(0, cut), size, strong) > max_width ||
                           (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80)) {
          --cut;
        }
        lines.push_back(word.substr(0, cut));
        word = word.substr(cut);
      }
      line = word;
    };
    std::string word;
    for (char c : utf8) {
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        add_word(word);
        word.clear();
        if (c == '\n') {
          lines.push_back(line);
          line.clear();
        }
        continue;
      }
      word += c;
    }
    add_word(word);
    if (!line.empty()) lines.push_back(line);
    return lines;
  }
  // Wrapped text from x at the current y, moving y below it (and to new pages as needed).
  void paragraph(float x, const std::string& utf8, float max_width, float size = 9, bool strong = false) {
    for (const std::string& line : wrap(utf8, max_width, size, strong)) {
      ensure(size + 3);
      if (!line.empty()) text(x, y, line, size, strong);
      y += size + 3;
    }
  }
  void rule(float at, float gray = 0.6f) {
    HPDF_Page_SetGrayStroke(page_, gray);
    HPDF_Page_SetLineWidth(page_, 0.5f);
    HPDF_Page_MoveTo(page_, kMargin, kPageHeight - at);
    HPDF_Page_LineTo(page_, kRight, kPageHeight - at);
    HPDF_Page_Stroke(page_);
  }
  // « Page 1 / 2 » at the foot of every page, once all are drawn.
  void number_pages() {
    for (std::size_t i = 0; i < pages_.size(); ++i) {
      page_ = pages_[i];
      right(kRight, kPageHeight - kMargin + 10, "Page " + std::to_string(i + 1) + " / " + std::to_string(pages_.size()),
            8);
    }
  }

 private:
  void add_page() {
    page_ = HPDF_AddPage(doc_);
    HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    pages_.push_back(page_);
  }
  HPDF_Doc doc_;
  HPDF_Page page_ = nullptr;
  std::vector<HPDF_Page> pages_;
  HPDF_Font regular_, bold_;
};

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
  const core::Currency currency = core::currency_from_code(text_of(inv, "currency")).value_or(core::euro());
  const auto money = [&currency](std::int64_t minor) { return amount_in(minor, currency); };

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
  std::string name = text_of(practice, "name");
  if (!name.empty() && !text_of(practice, "ei_mention").empty()) name += " – " + text_of(practice, "ei_mention");
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
  PdfResult result;
  if (!document.is_object()) {
    result.error = "not a document";
    return result;
  }
  ErrorSink sink;
  // Freed on every path, exceptions included.
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, decltype(&HPDF_Free)> pdf(HPDF_New(on_error, &sink), &HPDF_Free);
  if (!pdf) {
    result.error = "libharu could not start";
    return result;
  }
  try {
    HPDF_SetInfoAttr(pdf.get(), HPDF_INFO_CREATOR, "Quittance");
    // ASCII: the document information is read as PDFDocEncoding, not WinAnsi.
    const bool credit = text_of(document, "kind") == "credit_note";
    std::string title = (credit ? "Avoir " : "Facture ") +
                        text_of(document.value(credit ? "credit_note" : "invoice", Json::object()), "number");
    for (char& c : title) {
      if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    }
    HPDF_SetInfoAttr(pdf.get(), HPDF_INFO_TITLE, title.c_str());
    HPDF_Font regular = HPDF_GetFont(pdf.get(), "Helvetica", "WinAnsiEncoding");
    HPDF_Font bold = HPDF_GetFont(pdf.get(), "Helvetica-Bold", "WinAnsiEncoding");
    if (sink.status == HPDF_OK) {
      Writer w(pdf.get(), regular, bold);
      draw(w, document);
    }
    if (sink.status == HPDF_OK && HPDF_SaveToStream(pdf.get()) == HPDF_OK && HPDF_ResetStream(pdf.get()) == HPDF_OK) {
      const HPDF_UINT32 size = HPDF_GetStreamSize(pdf.get());
      result.bytes.resize(size);
      HPDF_UINT32 read = size;
      if (size == 0 || HPDF_ReadFromStream(pdf.get(), result.bytes.data(), &read) != HPDF_OK || read != size) {
        result.bytes.clear();
      }
    }
  } catch (const std::exception& e) {  // a document of the wrong shape, memory: told, never thrown
    result.bytes.clear();
    result.error = e.what();
    return result;
  }
  if (sink.status != HPDF_OK || result.bytes.empty()) {
    result.bytes.clear();
    result.error = "libharu error " + std::to_string(sink.status) + " (" + std::to_string(sink.detail) + ")";
  }
  return result;
}

}  // namespace quittance::pdf
