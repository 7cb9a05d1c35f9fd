// PDF downloads. See pdf_download.h.
#include "ui/pdf_download.h"

#include <cstdio>
#include <string_view>

#include "pdf/attestation_pdf.h"
#include "pdf/invoice_pdf.h"
#include "pdf/receipts_journal_pdf.h"
#include "pdf/statement_pdf.h"
#include "ui/form.h"
#include "ui/platform_hooks.h"

namespace quittance::ui {

std::string download_pdf(app::CommandLayer& commands, const app::Json& document_query, const std::string& filename) {
  if (!platform().download) return "invoice_page.pdf_failed";  // a platform without downloads
  const app::Json document = commands.query(document_query);
  if (document.value("ok", false) != true) return error_key(document);
  const std::string cmd = document_query.value("cmd", "");
  const pdf::PdfResult file = cmd == "patient.attestation" ? pdf::attestation_pdf(document["result"])
                              : cmd == "receipts.journal"  ? pdf::receipts_journal_pdf(document["result"])
                              : cmd == "patient.statement" ? pdf::statement_pdf(document["result"])
                                                           : pdf::invoice_pdf(document["result"]);
  if (!file.ok()) {
    std::fprintf(stderr, "quittance: PDF: %s\n", file.error.c_str());
    return "invoice_page.pdf_failed";
  }
  platform().download(filename, "application/pdf",
                      std::string_view(reinterpret_cast<const char*>(file.bytes.data()), file.bytes.size()));
  return "";
}

}  // namespace quittance::ui
