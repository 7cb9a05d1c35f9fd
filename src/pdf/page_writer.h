// A4 pages drawn top-down in base-14 Helvetica through libharu, text in UTF-8 (written as
// WinAnsi), on as many pages as the content needs: what every document's PDF is drawn with
// (invoice_pdf.h, attestation_pdf.h). Pure: bytes out, errors told, never thrown. Internal to
// src/pdf: libharu's types stay out of the module's public headers.
#pragma once
#include <hpdf.h>

#include <functional>
#include <string>
#include <vector>

#include "pdf/pdf_result.h"
#include "pdf/winansi.h"

namespace quittance::pdf {

constexpr float kPageWidth = 595.0f, kPageHeight = 842.0f;  // A4, in points
constexpr float kMargin = 50.0f;
constexpr float kRight = kPageWidth - kMargin;
constexpr float kBottom = kPageHeight - kMargin - 20;  // below it: the page number

// Text drawing in WinAnsi, top-down coordinates (y from the top of the page), on as many pages
// as the content needs: ensure() starts a new page when what comes next would not fit.
class Writer {
 public:
  Writer(HPDF_Doc doc, HPDF_Font regular, HPDF_Font bold) : doc_(doc), regular_(regular), bold_(bold) { add_page(); }

  float y = kMargin;
  // Called at the top of every page after the first (the continued title, the table header).
  std::function<void()> on_new_page;
  // Called at the foot of a page the content runs on from (a total carried over), below kBottom.
  std::function<void()> on_page_end;

  void ensure(float height) {
    if (y + height <= kBottom) return;
    if (on_page_end) on_page_end();
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
  // A frame whose top left corner is at (x, top), for a signature.
  void box(float x, float top, float width, float height, float gray = 0.6f) {
    HPDF_Page_SetGrayStroke(page_, gray);
    HPDF_Page_SetLineWidth(page_, 0.5f);
    HPDF_Page_Rectangle(page_, x, kPageHeight - top - height, width, height);
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

// A PDF of the pages `draw` writes, titled `title` (its document information: ASCII only,
// anything else shown as « ? »). A drawing that throws or a libharu error gives no bytes and
// says why.
PdfResult render_pdf(std::string title, const std::function<void(Writer&)>& draw);

}  // namespace quittance::pdf
