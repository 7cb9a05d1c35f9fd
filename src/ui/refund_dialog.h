// « Rembourser » a payment: amount (what can still be refunded), reason, details, date. A card
// payment made through Stripe is refunded on the card, through the server; any other is
// recorded as refunded by the same means (cash for cash...). The balance changes at once, or
// when the server confirms a card refund.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "app/commands.h"
#include "sync/card_payments.h"

namespace quittance::ui {

// A card refund whose outcome is unknown: it is asked again exactly as it was (the server
// replays it by its command id), so its fields are frozen until it has an answer.
struct PendingRefund {
  std::string command_id, amount_text, reason, refunded_on;
};

struct RefundDialogState {
  std::string payment_id;  // "" when closed
  bool open_requested = false;
  std::string patient_id, payment_type_id, processor_ref;
  std::string recorded_type_id;  // the refunded payment's type, offered even if archived since
  std::int64_t refundable = 0;
  std::string amount_text, reason, details, refunded_on;
  std::string error_key;
  std::string command_id;  // kept after an unanswered card refund, for « Réessayer »
  bool sending = false, done = false;
  std::map<std::string, PendingRefund> unknown_refunds;  // by payment id, across reopenings
};

// `payment` is a payment.list item.
void open_refund_dialog(RefundDialogState& state, const app::Json& payment, const std::string& patient_id);
void draw_refund_dialog(app::CommandLayer& commands, sync::CardPayments* cards, RefundDialogState& state);

}  // namespace quittance::ui
