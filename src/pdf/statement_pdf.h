// « Relevé de compte » as a PDF (A4): the practice, the patient and the period, the balance
// brought forward, each invoice, credit note, payment and refund with the balance after it, and
// the closing balance said in words (« à régler » or « en votre faveur »). The input is the
// `patient.statement` query's result (docs/commands.md).
#pragma once
#include <nlohmann/json.hpp>

#include "pdf/pdf_result.h"

namespace quittance::pdf {

PdfResult statement_pdf(const nlohmann::json& statement);

}  // namespace quittance::pdf
