// A document (invoice, credit note, receipt, yearly attestation, receipts book, statement of
// account) as a PDF file, made in the page (no network needed) and handed to the browser as a
// download.
#pragma once
#include <string>

#include "app/commands.h"

namespace quittance::ui {

// `document_query`: {"cmd": "invoice.document", "invoice_id": …}, the credit note's,
// {"cmd": "patient.attestation", "patient_id": …, "year": …}, {"cmd": "receipts.journal",
// "from": …, "to": …} or {"cmd": "patient.statement", "patient_id": …}. Returns the catalogue
// key of what went wrong, or "" when the file was handed over.
std::string download_pdf(app::CommandLayer& commands, const app::Json& document_query, const std::string& filename);

}  // namespace quittance::ui
