// The patient's saved card on the patient page: which card « Débiter la carte » would charge,
// the last card payment that failed and why, and « Enregistrer une carte », which opens the
// payment-link form for a card (the patient gives the card to Stripe on the link's page, never
// to us); in the demo, a card is simulated at once.
#pragma once
#include <string>

#include "app/commands.h"
#include "sync/card_payments.h"
#include "ui/payment_requests_view.h"

namespace quittance::ui {

struct PatientCardsState {
  std::string patient_id;   // the patient the message below is about
  bool asking = false;      // a set-up request is awaited
  std::string message_key;  // its outcome
  bool failed = false;      // the message is an error
  std::size_t cards_when_asked = 0;  // a card more than this: the patient has given it
};

void draw_patient_cards(app::CommandLayer& commands, sync::CardPayments* cards, const app::Json& patient,
                        PatientCardsState& state, PaymentRequestsState& requests);

}  // namespace quittance::ui
