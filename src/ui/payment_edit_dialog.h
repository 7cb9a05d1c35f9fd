// « Modifier » and « Supprimer » a payment from the patient's Paiements tab: a correction is
// itself recorded, with its reason, never a silent change (payment.update / payment.delete);
// the invoices the payment paid follow (due again when it is lowered or deleted). A card
// payment made through Stripe is corrected by a refund instead, so it has neither.
#pragma once
#include <string>

#include "app/commands.h"

namespace quittance::ui {

struct PaymentEditState {
  enum class Mode { Closed, Edit, Delete } mode = Mode::Closed;
  bool open_requested = false;
  std::string payment_id;
  std::string amount_text, paid_on, reference, note, reason;
  std::string type_id, recorded_type_id;  // as chosen, and as the payment was recorded
  std::string error_key;
};

// `payment` is a payment.list item.
void open_payment_edit(PaymentEditState& state, const app::Json& payment, PaymentEditState::Mode mode);
void draw_payment_edit(app::CommandLayer& commands, PaymentEditState& state);

}  // namespace quittance::ui
