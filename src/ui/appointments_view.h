// Appointments (seed 004): the patient page's « Rendez-vous » tab (the patient's appointments,
// « Nouveau rendez-vous » in a category, its payment link while it waits for the deposit or the
// full payment, « Annuler le rendez-vous ») and « Paramètres → Rendez-vous », the categories
// with their payment policy (aucun paiement, acompte en montant ou en pourcentage, paiement
// intégral) and how long an unpaid booking is held.
#pragma once
#include <string>

#include "app/commands.h"
#include "sync/card_payments.h"
#include "ui/appointment_row.h"
#include "ui/payment_requests_view.h"

namespace quittance::ui {

struct NewAppointmentForm {
  bool open = false;
  std::string category_id;
  std::string date_text, time_text = "09:00";
  bool send_email = false;
  std::string error_key;
};

struct AppointmentsState {
  std::string patient_id;
  NewAppointmentForm form;
  PaymentRequestsState links;  // « Copier le lien » of the pending appointments
  AppointmentRowState rows;     // a cancellation's choice, a balance link just made
  std::string message_key;
};

void draw_appointments_tab(app::CommandLayer& commands, sync::CardPayments* cards, const app::Json& patient,
                           AppointmentsState& state);

struct CategoryForm {
  std::string id;  // "" for a new category
  std::string name, duration_text = "30", price_text, policy = "none", value_text, expiry_text = "24";
  std::string invoice_at = "payment";  // a deposit's invoice: at payment, or after the session
  std::string refund_text;             // hours before the start a paid booking is refundable; "": kept
  std::string error_key;
};

struct AppointmentSettingsState {
  CategoryForm form;
};

void draw_appointment_settings(app::CommandLayer& commands, AppointmentSettingsState& state);

}  // namespace quittance::ui
