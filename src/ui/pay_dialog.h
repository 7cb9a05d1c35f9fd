// « Payer » on an invoice: date (today), payment type (with « Payer depuis le compte » showing
// the available credit and « Appliquer un avoir » listing the credit notes), amount prefilled
// with what is due, « Soumettre ». The status changes at once.
#pragma once
#include <cstdint>
#include <string>

#include "app/commands.h"

namespace quittance::ui {

struct PayDialogState {
  std::string invoice_id;   // the invoice being paid; "" when closed
  bool open_requested = false;
  std::string paid_on;      // as typed: dd/mm/yyyy
  std::string type_id = "cash";
  std::string credit_note_id;
  std::string amount_text;  // as typed ("45,00")
  std::string error_key;    // catalogue key of the last refusal
};

// Opens the dialog for an invoice (call from a button); the dialog draws itself next frames.
void open_pay_dialog(PayDialogState& state, const std::string& invoice_id, std::int64_t due);
void draw_pay_dialog(app::CommandLayer& commands, PayDialogState& state);

}  // namespace quittance::ui
