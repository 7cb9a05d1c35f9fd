// « Factures » screen. See invoices_screen.h.
#include "ui/invoices_screen.h"

#include <imgui.h>

#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/invoice_table.h"
#include "ui/theme.h"

namespace quittance::ui {

namespace {
constexpr const char* kStatuses[] = {"", "draft", "due", "partly_paid", "paid", "cancelled"};
}

void draw_invoices_screen(app::CommandLayer& commands, std::uint64_t data_version, InvoicesState& state,
                          PayDialogState& pay) {
  title(tr("nav.invoices"));
  for (int i = 0; i < static_cast<int>(std::size(kStatuses)); ++i) {
    if (i > 0) ImGui::SameLine();
    const std::string text = std::string(i == 0 ? tr("invoices.all") : status_label(kStatuses[i])) + "##filter-" +
                             std::to_string(i);
    if (ImGui::RadioButton(text.c_str(), state.status == i)) state.status = i;
  }
  if (search_shortcut()) ImGui::SetKeyboardFocusHere();  // the next focusable widget: the field, not its label
  text_field(tr("invoices.search"), "##invoice-search", &state.search, 360);
  app::Json query = {{"cmd", "invoice.list"}};
  if (state.status > 0) query["status"] = kStatuses[state.status];
  if (!state.search.empty()) query["search"] = state.search;
  state.list.set_query(query, data_version, !state.search.empty());
  const std::int64_t total = state.list.total(commands);
  if (total > 0) {
    const char* key = !state.list.total_exact() ? "invoices.count_more" : total == 1 ? "invoices.count_one" : "invoices.count";
    muted(fill(tr(key), {{"n", whole_number(total)}}).c_str());
  }
  ImGui::Spacing();
  draw_invoice_table(commands, state.list, pay, "##invoices", true);
}

}  // namespace quittance::ui
