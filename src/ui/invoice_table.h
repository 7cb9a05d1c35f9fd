// The invoices table shared by « Factures » and the patient page: number, date, patient, total,
// amount due, status, and « Payer » on what is due. Rows are drawn only when visible
// (ImGuiListClipper) and read page by page (PagedList), so 100,000 invoices scroll smoothly.
#pragma once
#include <string>

#include "app/commands.h"
#include "ui/paged_list.h"
#include "ui/pay_dialog.h"

namespace quittance::ui {

// The order the user chose by clicking a column header (invoice.list's "sort" and "order").
struct InvoiceSort {
  std::string column = "date";
  bool descending = true;
};

// With `sort`, the headers can be clicked to sort (status and « Payer » cannot), and *sort
// follows: the caller puts it in the query of the next frame. Returns the invoice whose number
// was clicked this frame (to open its page), or "".
std::string draw_invoice_table(app::CommandLayer& commands, PagedList& list, PayDialogState& pay, const char* id,
                        bool show_patient, InvoiceSort* sort = nullptr);
const char* status_label(const std::string& status);  // « À payer », « Payée », …

}  // namespace quittance::ui
