// What a person is told about the backend and card payments: the connection in the status
// bar, a card as it is shown (« Visa •••• 4242 »), and what a card request's answer means
// (declines in the bank's words, made plain; a lost answer is safe to retry).
#pragma once
#include <string>

#include "app/commands.h"
#include "sync/server_link.h"

namespace quittance::ui {

// The catalogue key of the backend's state ("backend.online", ..., "backend.demo").
const char* connection_key(const sync::ServerLink& server);

// « Visa •••• 4242 (12/2030) » for a card.list item; `simulated` adds « (démonstration) ».
std::string card_label(const app::Json& card, bool simulated = false);

// The catalogue key explaining a card request's failure: a decline by its decline code, an
// unanswered request, a refusal by the server. "" for a success.
std::string card_failure_key(const sync::CallResult& result);

// True when a card request's outcome is unknown (no answer, or the server could not reach
// Stripe): the same request, with the same command id, must be the one retried.
bool outcome_unknown(const sync::CallResult& result);

// The same for a decline code recorded on the patient's file (card.list's attempts).
std::string decline_key(const std::string& decline_code);

}  // namespace quittance::ui
