// Invoices table. See invoice_table.h.
#include "ui/invoice_table.h"

#include <imgui.h>

#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/widget_log.h"

namespace quittance::ui {

const char* status_label(const std::string& status) { return tr("status." + status); }

namespace {

// The sortable columns, by the user id ImGui reports them under.
constexpr const char* kSortColumns[] = {"number", "date", "patient", "total", "due"};

void read_sort(InvoiceSort& sort) {
  ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs();
  if (!specs || !specs->SpecsDirty) return;
  if (specs->SpecsCount > 0) {
    const ImGuiTableColumnSortSpecs& first = specs->Specs[0];
    if (first.ColumnUserID < std::size(kSortColumns)) {
      sort.column = kSortColumns[first.ColumnUserID];
      sort.descending = first.SortDirection == ImGuiSortDirection_Descending;
    }
  }
  specs->SpecsDirty = false;
}

}  // namespace

std::string draw_invoice_table(app::CommandLayer& commands, PagedList& list, PayDialogState& pay, const char* id,
                               bool show_patient, InvoiceSort* sort) {
  std::string opened;
  const std::int64_t total = list.total(commands);
  if (total == 0) {
    label(tr("invoices.empty"));
    return opened;
  }
  ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                          ImGuiTableFlags_SizingStretchProp;
  if (sort) flags |= ImGuiTableFlags_Sortable;
  // A narrow window (a phone, 200 % text) leaves the date to the invoice's page: the number,
  // the amounts, the status and « Payer » keep their room.
  const bool dated = !narrow_window();
  const int columns = 5 + (show_patient ? 1 : 0) + (dated ? 1 : 0);
  const float inner = table_width(show_patient ? 600.0f : 480.0f, &flags);
  if (!ImGui::BeginTable(id, columns, flags, ImVec2(0, table_height()), inner)) return opened;
  ImGui::TableSetupScrollFreeze(0, 1);
  const ImGuiTableColumnFlags by_default = ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_PreferSortDescending;
  const ImGuiTableColumnFlags no_sort = ImGuiTableColumnFlags_NoSort;
  ImGui::TableSetupColumn(tr("invoices.number"), ImGuiTableColumnFlags_PreferSortDescending, 1.6f, 0);
  if (dated) ImGui::TableSetupColumn(tr("invoices.date"), by_default, 1.0f, 1);
  if (show_patient) ImGui::TableSetupColumn(tr("invoices.patient"), 0, 1.8f, 2);
  ImGui::TableSetupColumn(tr("invoices.total"), ImGuiTableColumnFlags_PreferSortDescending, 1.0f, 3);
  ImGui::TableSetupColumn(tr("invoices.due"), ImGuiTableColumnFlags_PreferSortDescending, 1.0f, 4);
  ImGui::TableSetupColumn(tr("invoices.status"), no_sort, 1.3f, 5);
  const float button = button_width(tr("invoices.pay")) + 2 * ImGui::GetStyle().CellPadding.x;
  ImGui::TableSetupColumn("", no_sort | ImGuiTableColumnFlags_WidthFixed, button, 6);
  const int total_column = (dated ? 2 : 1) + (show_patient ? 1 : 0);
  table_headers({total_column, total_column + 1});
  if (sort) read_sort(*sort);

  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(total));
  table_row_count(static_cast<int>(total));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const app::Json* row = list.row(commands, i);
      if (!row) continue;
      const app::Json& r = *row;
      const std::string invoice_id = r["invoice_id"], number = r["number"];
      ImGui::TableNextRow();
      table_row_index(i);
      ImGui::TableNextColumn();
      const std::string text = std::string(number.empty() ? tr("status.draft") : number.c_str()) + "##open-" + invoice_id;
      if (ImGui::Selectable(text.c_str())) opened = invoice_id;
      if (dated) {
        ImGui::TableNextColumn();
        label(date(r["issued_on"]).c_str());
      }
      if (show_patient) {
        ImGui::TableNextColumn();
        label(r["patient_name"].get<std::string>().c_str());
      }
      ImGui::TableNextColumn();
      right_aligned(money(r["total"]));
      ImGui::TableNextColumn();
      right_aligned(money(r["due"]));
      ImGui::TableNextColumn();
      label(status_label(r["status"]));
      ImGui::TableNextColumn();
      if (r["due"].get<std::int64_t>() > 0) {
        const std::string button = tr_id("invoices.pay", std::string("pay-") + number);
        if (ImGui::SmallButton(button.c_str())) open_pay_dialog(pay, invoice_id, r["due"]);
      }
    }
  }
  ImGui::EndTable();
  return opened;
}

}  // namespace quittance::ui
