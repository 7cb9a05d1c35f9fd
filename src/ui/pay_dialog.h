// « Payer » on an invoice: date (today), payment type (with « Payer depuis le compte » showing
// the available credit and « Appliquer un avoir » listing the credit notes), amount prefilled
// with what is due, « Soumettre ». The status changes at once. With a card saved for the
// patient and the cards reachable, « Débiter la carte » charges it for the amount due through
// the server (Stripe); the answer arrives later, the dialog says so meanwhile.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "app/commands.h"
#include "sync/card_payments.h"

namespace quittance::ui {

struct PayDialogState {
  std::string invoice_id;   // the invoice being paid; "" when closed
  bool open_requested = false;
  std::string paid_on;      // as typed: dd/mm/yyyy
  std::string type_id = "cash";
  std::string credit_note_id;
  std::string amount_text;  // as typed ("45,00")
  std::string error_key;    // catalogue key of the last refusal
  // « Débiter la carte »: the charge's command id is kept after an unanswered request, so that
  // « Réessayer » asks for the same charge again and the card is never charged twice.
  std::string charge_command_id;
  bool charging = false;     // the server's answer is awaited
  bool charged = false;      // paid: the dialog closes at its next frame
  std::string notice_key;    // an outcome that is not an error (processing at the bank)
  // Charges whose outcome is unknown, by invoice: reopening « Payer » on that invoice asks for
  // the same charge again (never a second one), even after the dialog was closed.
  std::map<std::string, std::string> unknown_charges;
};

// Opens the dialog for an invoice (call from a button); the dialog draws itself next frames.
void open_pay_dialog(PayDialogState& state, const std::string& invoice_id, std::int64_t due);
// `cards` is null when the device has no backend (card features then not offered).
void draw_pay_dialog(app::CommandLayer& commands, sync::CardPayments* cards, PayDialogState& state);

}  // namespace quittance::ui
