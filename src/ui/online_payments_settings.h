// Paramètres → « Paiements en ligne »: the clinic's own Stripe account (seeds 002 and 004:
// online payments start with the practice connecting its Stripe account). Its state in words
// (« Non activé », « Informations à compléter », « En vérification », « Actif », « Restreint »,
// « Déconnecté ») with what Stripe asks for, « Activer les paiements en ligne » / « Reprendre
// l'activation » (the owner's: the page goes to Stripe's form and comes back), and « Ouvrir le
// tableau de bord Stripe ».
#pragma once
#include <string>

#include "app/commands.h"
#include "sync/backend.h"

namespace quittance::ui {

struct OnlinePaymentsState {
  std::string arrival;   // "return" or "refresh": the page came back from Stripe's form
  bool requested = false;  // the account was asked for since this tab was first drawn
  int country = 0;         // index in the country list; France first
  std::string message_key;
  bool failed = false;
};

void draw_online_payments_settings(app::CommandLayer& commands, sync::Backend* backend, OnlinePaymentsState& state);

// The catalogue key that says what a Stripe requirement code asks for, in words.
std::string requirement_key(const std::string& code);

}  // namespace quittance::ui
