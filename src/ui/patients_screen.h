// « Patients »: the list with search as you type, a new-patient form, and the patient page
// (balance and available credit at a glance, reminders checkbox, « Acompte », and tabs with
// the patient's invoices, payments and deposits, credit notes and communications).
#pragma once
#include <cstdint>
#include <string>

#include "app/commands.h"
#include "ui/invoice_editor.h"
#include "sync/card_payments.h"
#include "ui/communications_view.h"
#include "ui/paged_list.h"
#include "ui/patient_contacts.h"
#include "ui/patient_cards.h"
#include "ui/patient_record.h"
#include "ui/appointments_view.h"
#include "ui/payment_requests_view.h"
#include "ui/payment_edit_dialog.h"
#include "ui/pay_dialog.h"
#include "ui/refund_dialog.h"

namespace quittance::ui {

struct NewPatientForm {
  bool open = false;
  std::string first_name, last_name, email, phone, address;
  std::string error_key;
};

struct DepositForm {
  bool open = false;
  std::string amount_text, type_id = "cash", error_key;
  std::string paid_on;  // as typed (dd/mm/yyyy); today when the form opens
};

// « Paiements et acomptes », which « Paiements » opens a patient on.
inline constexpr const char* kPatientPaymentsTab = "#tab-payments";

struct PatientsState {
  std::string search;
  bool archived = false;  // the list shows the archived records instead
  PagedList list;
  NewPatientForm form;
  std::string open_patient;   // the patient page shown, "" for the list
  PatientRecordState record;  // « Modifier le dossier », « Fusionner un doublon »
  std::string record_of;      // the patient `record` was opened for
  PagedList invoices;         // the open patient's invoices
  DepositForm deposit;
  InvoiceEditorState editor;  // « Nouvelle facture » for the open patient
  PatientCardsState cards;    // the saved card and « Enregistrer une carte »
  ContactForm contact;        // « Ajouter un payeur » (Facturé à)
  RefundDialogState refund;   // « Rembourser » a payment
  PaymentEditState payment_edit;  // « Modifier » / « Supprimer » a payment, with a reason
  CommunicationsState communications;  // the open patient's emails
  PaymentRequestsState requests;       // « Effectuer un paiement » and the payment links
  AppointmentsState appointments;      // « Rendez-vous »
  std::string pdf_error;               // a PDF (credit note, attestation) that could not be made
  std::string document_sent;           // « … partira à … »: a document asked for by email
  std::string tab;  // the tab shown on the patient page (tab_row.h), "" for the first
};

// `cards` is null when the device has no backend. Returns the invoice opened this frame, or "".
std::string draw_patients_screen(app::CommandLayer& commands, sync::CardPayments* cards, std::uint64_t data_version,
                          PatientsState& state, PayDialogState& pay);

}  // namespace quittance::ui
