// The invoice handlers and document blocks shared with other domains: an appointment makes,
// issues, deletes or cancels its invoice with the very same code as the editor's buttons, and a
// payment request shows the practice as the invoice's PDF does.
#pragma once
#include <string>

#include "app/registry.h"

namespace quittance::app {

Json invoice_create(Context& ctx);  // invoice.create: the draft's id is ctx.command_id
Json invoice_update(Context& ctx);  // invoice.update
Json invoice_issue(Context& ctx);   // invoice.issue
Json invoice_delete(Context& ctx);  // invoice.delete (a draft)
Json invoice_cancel(Context& ctx);  // invoice.cancel (a credit note cancelling it)
Json invoice_get(Context& ctx);     // invoice.get

// The practice's identity and mentions, as a document shows them.
Json practice_block(store::Database& db);
// Who a document is addressed to: its « Facturé à » payer (contact_id), else the patient.
Json bill_to_block(store::Database& db, const std::string& contact, const std::string& patient,
                   const std::string& patient_name);

}  // namespace quittance::app
