// An invoice, opened from its number in any invoice table: who it is billed to, its lines and
// totals, and its « Paiements » section, where each payment put against it can be corrected
// (« Modifier », « Supprimer », with a reason) and the rest paid (« Payer »). A draft is edited,
// issued or deleted from here; an issued invoice is cancelled (« Annuler la facture », with a
// reason: it is settled by a credit note, never erased).
#pragma once
#include <string>

#include "app/commands.h"
#include "ui/pay_dialog.h"
#include "ui/payment_edit_dialog.h"

namespace quittance::ui {

struct InvoicePageState {
  std::string invoice_id;  // "" when closed
  PaymentEditState payment_edit;
  bool cancelling = false;
  std::string cancel_reason, error_key;
};

void open_invoice_page(InvoicePageState& state, const std::string& invoice_id);

// What the user asked for that the page cannot do itself.
struct InvoicePageRequest {
  std::string edit_draft;  // the draft to open in the editor (on its patient's page)
  std::string patient;     // the patient page to open
  std::string request_payment;  // « Demande de paiement »: this invoice, on its patient's page
};

InvoicePageRequest draw_invoice_page(app::CommandLayer& commands, InvoicePageState& state, PayDialogState& pay);

}  // namespace quittance::ui
