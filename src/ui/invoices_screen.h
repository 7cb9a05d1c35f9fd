// « Factures »: every invoice of the practice, filtered by status and searched by number or
// patient name.
#pragma once
#include <cstdint>
#include <string>

#include "app/commands.h"
#include "ui/invoice_table.h"
#include "ui/paged_list.h"
#include "ui/pay_dialog.h"

namespace quittance::ui {

struct InvoicesState {
  int status = 0;          // index in the status filter: 0 = all
  std::string search;
  std::string from, to;    // « Du » / « Au » as typed (dd/mm/yyyy); "" for no bound
  InvoiceSort sort;
  PagedList list;
};

// Returns the invoice opened this frame (its number clicked), or "".
std::string draw_invoices_screen(app::CommandLayer& commands, std::uint64_t data_version, InvoicesState& state,
                          PayDialogState& pay);

}  // namespace quittance::ui
