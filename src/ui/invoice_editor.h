// The invoice editor: lines from the catalogue (or free text), date of service, quantity, unit
// price, discount, tax rate, with totals computed live by the core's own rounding rule; notes;
// « Enregistrer le brouillon » and « Émettre ». The same lines make a credit note (« Émettre un
// avoir »): optionally the invoice it corrects, a note for the patient and an internal note;
// a credit note is issued at once (it has no draft).
#pragma once
#include <string>
#include <vector>

#include "app/commands.h"

namespace quittance::ui {

struct LineEdit {
  std::string service_id;      // "" for a free-text line
  std::string label;
  std::string service_date;    // as typed: dd/mm/yyyy
  std::string quantity = "1";
  std::string unit_price;      // as typed ("45,00")
  std::string discount;        // percent as typed ("10"), "" for none
  std::string tax_rate_id = "exempt";
  std::int64_t discount_amount = 0;  // a fixed discount (made through the API), kept as it is
};

struct InvoiceEditorState {
  enum class Kind { Invoice, CreditNote } kind = Kind::Invoice;
  bool open = false;
  std::string patient_id;
  std::string draft_id;        // set once saved as a draft
  std::vector<LineEdit> lines;
  std::string contact_id;      // « Facturé à »: a contact of the patient, "" for the patient
  std::string notes;
  std::string internal_note;   // credit notes: for the practice only
  std::string corrects;        // credit notes: the invoice corrected, "" for none
  std::string error_key;
};

void open_invoice_editor(InvoiceEditorState& state, const std::string& patient_id);
void open_credit_note_editor(InvoiceEditorState& state, const std::string& patient_id);
// Opens a saved draft (invoice.get) with its lines, to change and issue it. False if it is not
// a draft any more.
bool open_draft_editor(app::CommandLayer& commands, InvoiceEditorState& state, const std::string& invoice_id);
// Draws the editor; returns false once it was closed (issued, saved or cancelled).
bool draw_invoice_editor(app::CommandLayer& commands, InvoiceEditorState& state);

}  // namespace quittance::ui
