// An invoice as a PDF file (A4, libharu, base-14 Helvetica): the practice's identity and legal
// mentions, who is billed, the lines, the totals, the payments received and what is still due,
// in French formatting. The input is the `invoice.document` query's result (docs/commands.md);
// a credit note's (`credit_note.document`) gives an « AVOIR » naming the invoice it corrects,
// with where its credit went and what remains available; a receipt's (`invoice.document` with
// `receipt`) a « FACTURE ACQUITTÉE » saying when and how it was paid.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pdf/pdf_result.h"

namespace quittance::pdf {

PdfResult invoice_pdf(const nlohmann::json& document);

}  // namespace quittance::pdf
