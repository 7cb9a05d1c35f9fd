// One appointment in the patient page's « Rendez-vous » tab: when, what, its state, and its
// money in one place (asked, paid, invoiced, still due); « Envoyer un lien pour le solde » once
// a deposit's invoice is issued; « Annuler le rendez-vous », which for a paid booking asks
// whether the payment is refunded or kept, with the category's terms said and proposed.
#pragma once
#include <string>

#include "app/commands.h"
#include "sync/card_payments.h"
#include "ui/payment_requests_view.h"

namespace quittance::ui {

struct AppointmentRowState {
  std::string cancelling_id;  // the appointment whose « refund or keep » choice is open
  std::string balance_id;     // the appointment whose balance link was just made here
  std::string balance_key;    // emailed, or to give by hand
  std::string message_key;     // what the last action did, or why it was refused (failed)
  bool failed = false;
  std::string message_amount;  // the refund due, for "appointment.refund_due"
};

// `a`: an item of appointment.list.
void draw_appointment_row(app::CommandLayer& commands, sync::CardPayments* cards, const app::Json& patient,
                          const app::Json& a, AppointmentRowState& state, PaymentRequestsState& links);

}  // namespace quittance::ui
