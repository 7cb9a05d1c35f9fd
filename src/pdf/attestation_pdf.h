// « Attestation de paiement »: what a patient paid in a calendar year, signed by the
// practitioner, for the patient's mutuelle: the practice (with its RPPS or ADELI number), the
// patient, the acts and the payments received, the year's total, a signature block. The input
// is the `patient.attestation` query's result (docs/commands.md).
#pragma once
#include <nlohmann/json.hpp>

#include "pdf/pdf_result.h"

namespace quittance::pdf {

PdfResult attestation_pdf(const nlohmann::json& attestation);

}  // namespace quittance::pdf
