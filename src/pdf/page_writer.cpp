// Pages and the PDF around them. See page_writer.h.
#include "pdf/page_writer.h"

#include <memory>
#include <stdexcept>
#include <type_traits>

namespace quittance::pdf {

namespace {

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

}  // namespace

PdfResult render_pdf(std::string title, const std::function<void(Writer&)>& draw) {
  PdfResult result;
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
    for (char& c : title) {
      if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    }
    HPDF_SetInfoAttr(pdf.get(), HPDF_INFO_TITLE, title.c_str());
    HPDF_Font regular = HPDF_GetFont(pdf.get(), "Helvetica", "WinAnsiEncoding");
    HPDF_Font bold = HPDF_GetFont(pdf.get(), "Helvetica-Bold", "WinAnsiEncoding");
    if (sink.status == HPDF_OK) {
      Writer w(pdf.get(), regular, bold);
      draw(w);
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
