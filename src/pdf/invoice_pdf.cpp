// The invoice's PDF. See invoice_pdf.h.
#include "pdf/invoice_pdf.h"

#include <hpdf.h>

#include <algorithm>
#include <cstdint>

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

std::string euros(std::int64_t minor) { return core::format_fr(core::Money{minor, core::euro()}); }

std::string date_fr(const std::string& iso) {
  const auto d = core::parse_iso_date(iso);
  return d ? core::format_fr(*d) : iso;
}

// "1,5" for 1500 thousandths.
std::string quantity(std::int64_t milli) {
  std::string out = std::to_string(milli / 1000);
  std::string decimals = std::to_string(1000 + milli % 1000).substr(1);
  while (!decimals.empty() && decimals.back() == '0') decimals.pop_back();
  return decimals.empty() ? out : out + "," + decimals;
}

// Text drawing in WinAnsi, top-down coordinates (y from the top of the page).
class Writer {
 public:
  Writer(HPDF_Page page, HPDF_Font regular, HPDF_Font bold) : page_(page), regular_(regular), bold_(bold) {}
  void text(float x, float y, const std::string& utf8, float size = 10, bool strong = false) {
    const std::string s = to_winansi(utf8);
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, strong ? bold_ : regular_, size);
    HPDF_Page_TextOut(page_, x, kPageHeight - y, s.c_str());
    HPDF_Page_EndText(page_);
  }
  void right(float x, float y, const std::string& utf8, float size = 10, bool strong = false) {
    text(x - width(utf8, size, strong), y, utf8, size, strong);
  }
  float width(const std::string& utf8, float size, bool strong) {
    HPDF_Page_SetFontAndSize(page_, strong ? bold_ : regular_, size);
    return HPDF_Page_TextWidth(page_, to_winansi(utf8).c_str());
  }
  // Wrapped at `max_width`; returns the y below the last line.
  float paragraph(float x, float y, const std::string& utf8, float max_width, float size = 9) {
    std::string line, word;
    auto flush_line = [&] {
      if (!line.empty()) text(x, y, line, size);
      y += size + 3;
      line.clear();
    };
    for (std::size_t i = 0; i <= utf8.size(); ++i) {
      const char c = i < utf8.size() ? utf8[i] : ' ';
      if (c == '\n') {
        if (!word.empty()) line += (line.empty() ? "" : " ") + word;
        word.clear();
        flush_line();
        continue;
      }
      if (c != ' ') {
        word += c;
        continue;
      }
      if (word.empty()) continue;
      const std::string candidate = line.empty() ? word : line + " " + word;
      if (!line.empty() && width(candidate, size, false) > max_width) {
        flush_line();
        line = word;
      } else {
        line = candidate;
      }
      word.clear();
    }
    if (!line.empty()) flush_line();
    return y;
  }
  void rule(float y, float gray = 0.6f) {
    HPDF_Page_SetGrayStroke(page_, gray);
    HPDF_Page_SetLineWidth(page_, 0.5f);
    HPDF_Page_MoveTo(page_, kMargin, kPageHeight - y);
    HPDF_Page_LineTo(page_, kRight, kPageHeight - y);
    HPDF_Page_Stroke(page_);
  }

 private:
  HPDF_Page page_;
  HPDF_Font regular_, bold_;
};

// Columns of the lines' table: label, date, quantity, unit price, discount, total (right edges
// for the numbers).
constexpr float kColDate = 300, kColQty = 390, kColUnit = 455, kColDiscount = 500, kColTotal = kRight;

void draw(Writer& w, const Json& doc) {
  const Json& practice = doc.contains("practice") ? doc["practice"] : Json::object();
  const Json& bill_to = doc.contains("bill_to") ? doc["bill_to"] : Json::object();
  const Json& inv = doc.contains("invoice") ? doc["invoice"] : Json::object();
  const std::string number = text_of(inv, "number");

  // Header: the practice on the left, the document on the right.
  float y = kMargin + 10;
  w.text(kMargin, y, text_of(practice, "name"), 15, true);
  y += 16;
  y = w.paragraph(kMargin, y, text_of(practice, "address"), 260, 10);
  for (const auto& [key, label] : {std::pair{"siret", "SIRET : "}, std::pair{"rpps", "RPPS : "},
                                   std::pair{"adeli", "ADELI : "}}) {
    if (!text_of(practice, key).empty()) {
      w.text(kMargin, y, label + text_of(practice, key), 9);
      y += 12;
    }
  }
  if (!text_of(practice, "ei_mention").empty()) {
    w.text(kMargin, y, text_of(practice, "ei_mention"), 9);
    y += 12;
  }
  w.right(kRight, kMargin + 10, number.empty() ? "BROUILLON DE FACTURE" : "FACTURE", 18, true);
  if (!number.empty()) w.right(kRight, kMargin + 32, "N° " + number, 11, true);
  if (!text_of(inv, "issued_on").empty()) w.right(kRight, kMargin + 48, "Date : " + date_fr(text_of(inv, "issued_on")), 10);

  // Who is billed, and for whom.
  y = std::max(y, kMargin + 70.0f) + 14;
  const float box = 320;
  w.text(box, y, "Facturé à", 9, true);
  float by = w.paragraph(box, y + 13, text_of(bill_to, "name") + "\n" + text_of(bill_to, "address"), kRight - box, 10);
  if (text_of(bill_to, "name") != text_of(inv, "patient_name")) {
    w.text(box, by, "Patient : " + text_of(inv, "patient_name"), 9);
    by += 12;
  }
  y = std::max(by, y + 40) + 16;

  // The lines.
  w.text(kMargin, y, "Désignation", 9, true);
  w.text(kColDate - 40, y, "Date", 9, true);
  w.right(kColQty, y, "Qté", 9, true);
  w.right(kColUnit, y, "Prix unit.", 9, true);
  w.right(kColDiscount, y, "Remise", 9, true);
  w.right(kColTotal, y, "Total", 9, true);
  y += 5;
  w.rule(y);
  y += 14;
  for (const Json& line : inv.value("lines", Json::array())) {
    const float next = w.paragraph(kMargin, y, text_of(line, "label"), kColDate - 50 - kMargin, 10);
    if (!text_of(line, "service_date").empty()) w.text(kColDate - 40, y, date_fr(text_of(line, "service_date")), 10);
    w.right(kColQty, y, quantity(int_of(line, "quantity_milli")), 10);
    w.right(kColUnit, y, euros(int_of(line, "unit_price")), 10);
    if (int_of(line, "discount") != 0) w.right(kColDiscount, y, "-" + euros(int_of(line, "discount")), 10);
    w.right(kColTotal, y, euros(int_of(line, "total")), 10);
    y = std::max(next, y + 13) + 2;
    if (y > kPageHeight - 220) break;  // one page: an invoice of a session or a few acts
  }
  w.rule(y - 6);
  y += 10;

  // Totals.
  const float label_x = 360;
  auto total_line = [&](const std::string& label, std::int64_t amount, bool strong) {
    w.text(label_x, y, label, 10, strong);
    w.right(kRight, y, euros(amount), 10, strong);
    y += 15;
  };
  if (int_of(inv, "tax") != 0) {
    total_line("Total HT", int_of(inv, "net"), false);
    total_line("TVA", int_of(inv, "tax"), false);
    total_line("Total TTC", int_of(inv, "total"), true);
  } else {
    total_line("Total", int_of(inv, "total"), true);
  }

  // Payments received, then what remains.
  const Json allocations = inv.value("allocations", Json::array());
  if (!allocations.empty()) {
    y += 6;
    w.text(kMargin, y, "Paiements reçus", 10, true);
    y += 14;
    for (const Json& a : allocations) {
      std::string what = text_of(a, "type");
      if (!text_of(a, "credit_note_number").empty()) what = "Avoir " + text_of(a, "credit_note_number");
      w.text(kMargin, y, date_fr(text_of(a, "date")) + "  " + what, 10);
      w.right(kRight, y, euros(int_of(a, "amount")), 10);
      y += 13;
    }
    y += 4;
  }
  w.text(label_x, y, "Réglé", 10);
  w.right(kRight, y, euros(int_of(inv, "settled")), 10);
  y += 15;
  w.text(label_x, y, "Reste dû", 11, true);
  w.right(kRight, y, euros(int_of(inv, "due")), 11, true);
  y += 24;

  // Legal mentions and terms, at the foot of the page.
  float fy = kPageHeight - 120;
  w.rule(fy - 12, 0.8f);
  if (!text_of(practice, "vat_mention").empty()) fy = w.paragraph(kMargin, fy, text_of(practice, "vat_mention"), kRight - kMargin, 8);
  if (!text_of(inv, "notes").empty()) fy = w.paragraph(kMargin, fy, text_of(inv, "notes"), kRight - kMargin, 8);
  if (!text_of(practice, "cancellation_terms").empty()) {
    fy = w.paragraph(kMargin, fy, text_of(practice, "cancellation_terms"), kRight - kMargin, 8);
  }
  if (!text_of(practice, "cgv_url").empty()) w.paragraph(kMargin, fy, "Conditions générales : " + text_of(practice, "cgv_url"), kRight - kMargin, 8);
}

}  // namespace

PdfResult invoice_pdf(const nlohmann::json& document) {
  PdfResult result;
  ErrorSink sink;
  HPDF_Doc pdf = HPDF_New(on_error, &sink);
  if (!pdf) {
    result.error = "libharu could not start";
    return result;
  }
  HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "Quittance");
  const std::string title = to_winansi("Facture " + text_of(document.value("invoice", Json::object()), "number"));
  HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, title.c_str());
  HPDF_Font regular = HPDF_GetFont(pdf, "Helvetica", "WinAnsiEncoding");
  HPDF_Font bold = HPDF_GetFont(pdf, "Helvetica-Bold", "WinAnsiEncoding");
  HPDF_Page page = HPDF_AddPage(pdf);
  HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
  if (sink.status == HPDF_OK) {
    Writer w(page, regular, bold);
    draw(w, document);
  }
  if (sink.status == HPDF_OK && HPDF_SaveToStream(pdf) == HPDF_OK && HPDF_ResetStream(pdf) == HPDF_OK) {
    const HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
    result.bytes.resize(size);
    HPDF_UINT32 read = size;
    if (size == 0 || HPDF_ReadFromStream(pdf, result.bytes.data(), &read) != HPDF_OK || read != size) {
      result.bytes.clear();
    }
  }
  if (sink.status != HPDF_OK || result.bytes.empty()) {
    result.bytes.clear();
    result.error = "libharu error " + std::to_string(sink.status) + " (" + std::to_string(sink.detail) + ")";
  }
  HPDF_Free(pdf);
  return result;
}

}  // namespace quittance::pdf
