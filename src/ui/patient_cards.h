// The patient's saved card on the patient page: which card « Débiter la carte » would charge,
// the last card payment that failed and why, and « Enregistrer une carte », which asks the
// server for a card set-up (the patient then gives the card to Stripe, never to us).
#pragma once
#include <string>

#include "app/commands.h"
#include "sync/backend.h"

namespace quittance::ui {

struct PatientCardsState {
  std::string patient_id;   // the patient the message below is about
  bool asking = false;      // a set-up request is awaited
  std::string message_key;  // its outcome
  bool failed = false;      // the message is an error
  std::size_t cards_when_asked = 0;  // a card more than this: the patient has given it
};

void draw_patient_cards(app::CommandLayer& commands, sync::Backend* backend, const app::Json& patient,
                        PatientCardsState& state);

}  // namespace quittance::ui
