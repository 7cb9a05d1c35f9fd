// An issued invoice or credit note never changes: what it prints of the practice (identity,
// mentions), of whom it is addressed to and of its patient is stored with it when it is issued
// (the `frozen` column), and every later PDF, email and reprint uses that copy. A later change
// of the practice's address or of a payer's name reaches new documents only.
// Email addresses are where a document is sent, not what it prints: they stay live, so that a
// corrected address receives the next reminder.
#pragma once
#include <string>

#include "app/registry.h"

namespace quittance::app {

// Stores the current practice, addressee and patient name with the issued document.
void freeze_invoice(store::Database& db, const std::string& invoice_id);
void freeze_credit_note(store::Database& db, const std::string& credit_note_id);

// A document's parties as printed: from `frozen` (the column's text) when it holds them, else
// as they are now (a draft; a document of a version before freezing, if the migration could
// not read it).
struct PrintedParties {
  Json practice;             // practice_block's fields
  Json bill_to;              // {name, address, email}
  std::string patient_name;  // « Patient : … »
};
PrintedParties printed_parties(store::Database& db, const std::string& frozen, const std::string& contact,
                               const std::string& patient, const std::string& patient_name);

}  // namespace quittance::app
