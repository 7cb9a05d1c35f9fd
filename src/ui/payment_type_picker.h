// The one payment-type choice of every form where money is recorded at the desk (« Payer »,
// « Enregistrer un acompte », a payment's correction, a refund made by hand): the practice's active types, built-in and its own, in its order
// (Paramètres → Types de paiement), less those the form cannot use.
#pragma once
#include <string>

#include "app/commands.h"

namespace quittance::ui {

struct PaymentTypeChoices {
  // « Payer depuis le compte » and « Appliquer un avoir »: they pay an invoice from credit, so
  // only a form paying an invoice offers them.
  bool from_credit = false;
  // « Carte en ligne (Stripe) » recorded by hand: only where this device takes card payments.
  bool card_online = false;
  // An entry of the form's own shown first (the pay dialog's saved card): its label and id.
  std::string extra_label, extra_id;
  // The type a recorded payment already has (its correction, its refund): always offered,
  // even archived since or online-only, so that opening the form never changes it unasked.
  std::string keep_id;
};

// A combo captioned `caption` (its label above it, and the name automation and screen readers
// get), ImGui id `id`; `type_id` is the chosen type's id, replaced by a valid one if it is not
// offered. True when the user changed it.
bool payment_type_picker(app::CommandLayer& commands, const char* caption, const char* id, std::string* type_id,
                         const PaymentTypeChoices& choices, float width = 440);

}  // namespace quittance::ui
