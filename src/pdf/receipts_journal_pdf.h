// The « livre-journal des recettes » as a PDF (A4): the practice and the period on every page,
// every receipt in date order (refunds negative), the day's and the month's totals, the page's
// total carried over to the next (« À reporter » / « Report »), the totals by method of payment
// and the period's. The input is the `receipts.journal` query's result (docs/commands.md).
#pragma once
#include <nlohmann/json.hpp>

#include "pdf/pdf_result.h"

namespace quittance::pdf {

PdfResult receipts_journal_pdf(const nlohmann::json& journal);

}  // namespace quittance::pdf
