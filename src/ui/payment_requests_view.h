// Payment links on the patient page (docs/payment_requests.md): « Effectuer un paiement » asks
// the patient to pay a selection of unpaid invoices, a deposit, or to save a card, by a link
// the practice copies or has emailed; the « Demandes de paiement » tab shows each request's
// state (Envoyée, Ouverte, Payée, Expirée, Échouée, Annulée) with « Copier le lien » and
// « Annuler ». The request is a command of the books, so it is made offline too; its link
// works once the device has synced.
#pragma once
#include <cstdint>
#include <set>
#include <string>

#include "app/commands.h"
#include "sync/card_payments.h"

namespace quittance::ui {

struct RequestFormState {
  bool open = false;
  std::string patient_id;
  std::string kind = "invoices";       // "invoices", "deposit" or "card"
  std::set<std::string> invoice_ids;   // the invoices ticked (kind "invoices")
  bool preselected = false;            // opened from an invoice: only that one ticked
  bool ticked_all = false;             // the first frame ticks every unpaid invoice
  std::string amount_text;             // the deposit
  std::string days_text = "7";         // the link's validity
  bool send_email = false, save_card = false;
  std::string note;
  std::string error_key, error_field;
};

struct PaymentRequestsState {
  std::string patient_id;     // the patient the states below are about
  RequestFormState form;
  std::string created_id;     // the request just made: its link is shown under the form's button
  std::string copied_id;      // the request whose link was just copied
  std::string message_key;    // an outcome (a cancel refused, a simulation failed)
};

// Opens the form for `patient_id`: every unpaid invoice ticked, or only `invoice_id`.
void open_request_form(PaymentRequestsState& state, const std::string& patient_id, const std::string& kind,
                       const std::string& invoice_id = "");

// The « Effectuer un paiement » button and, once pressed, the form; then the new link.
void draw_request_form(app::CommandLayer& commands, sync::CardPayments* cards, const app::Json& patient,
                       PaymentRequestsState& state);

// The « Demandes de paiement » tab: the patient's requests, newest first.
void draw_requests_tab(app::CommandLayer& commands, sync::CardPayments* cards, const std::string& patient_id,
                       PaymentRequestsState& state);

// The link a patient opens: the server's public address (or the one this device talks to, or
// this page's) followed by the request's path.
std::string pay_link(sync::CardPayments* cards, const std::string& path);

}  // namespace quittance::ui
