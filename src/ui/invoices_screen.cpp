// « Factures » screen. See invoices_screen.h.
#include "ui/invoices_screen.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/invoice_table.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {
constexpr const char* kStatuses[] = {"", "draft", "due", "partly_paid", "paid", "cancelled"};
}

std::string draw_invoices_screen(app::CommandLayer& commands, std::uint64_t data_version, InvoicesState& state,
                                 PayDialogState& pay) {
  title(tr("nav.invoices"));
  name_next_group(tr("invoices.status"));
  for (int i = 0; i < static_cast<int>(std::size(kStatuses)); ++i) {
    const std::string text = std::string(i == 0 ? tr("invoices.all") : status_label(kStatuses[i])) + "##filter-" +
                             std::to_string(i);
    if (i > 0) beside(choice_width(text.c_str()));
    if (radio(text.c_str(), state.status == i)) state.status = i;
  }
  // The search, then « Du » and « Au » (issue dates) beside it, or under it in a narrow window.
  constexpr float kSearchWidth = 360.0f, kDateWidth = 150.0f;
  if (search_shortcut()) ImGui::SetKeyboardFocusHere();
  side_field(tr("invoices.search"), "##invoice-search", &state.search, kSearchWidth);
  side_field(tr("invoices.from"), "##invoice-from", &state.from, kDateWidth, true);
  side_field(tr("invoices.to"), "##invoice-to", &state.to, kDateWidth, true);
  app::Json query = {{"cmd", "invoice.list"}, {"sort", state.sort.column},
                     {"order", state.sort.descending ? "desc" : "asc"}};
  if (state.status > 0) query["status"] = kStatuses[state.status];
  if (!state.search.empty()) query["search"] = state.search;
  // A date being typed is no bound until it is a whole date; a finished wrong one is said.
  bool bad_date = false;
  for (auto [text, field] : {std::pair{&state.from, "from"}, std::pair{&state.to, "to"}}) {
    if (text->empty()) continue;
    if (auto iso = input_date_to_iso(*text)) {
      query[field] = *iso;
    } else if (text->size() >= 10) {
      bad_date = true;
    }
  }
  if (bad_date) error_text("error.invalid_date");
  state.list.set_query(query, data_version, !state.search.empty());
  const std::int64_t total = state.list.total(commands);
  if (total > 0) {
    const char* key = !state.list.total_exact() ? "invoices.count_more" : total == 1 ? "invoices.count_one" : "invoices.count";
    muted(fill(tr(key), {{"n", whole_number(total)}}).c_str());
  }
  ImGui::Spacing();
  return draw_invoice_table(commands, state.list, pay, "##invoices", true, &state.sort);
}

}  // namespace quittance::ui
