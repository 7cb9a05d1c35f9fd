// « Paiements » screen. See payments_screen.h.
#include "ui/payments_screen.h"

#include <imgui.h>

#include <algorithm>

#include "core/date.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

constexpr const char* kPeriods[] = {"payments.period.this_month", "payments.period.last_month",
                                    "payments.period.this_year", "payments.period.all"};

// The query's date range for the chosen period, from today.
void add_period(app::Json& query, int period) {
  const core::Date t = today();
  core::Date from{t.year, t.month, 1};
  if (period == 1) from = core::add_months(from, -1);
  if (period == 2) from = core::Date{t.year, 1, 1};
  if (period == 3) return;
  const core::Date to = period == 1 ? core::Date{from.year, from.month, core::days_in_month(from.year, from.month)} : t;
  query["from"] = core::format_iso(from);
  query["to"] = core::format_iso(to);
}

void type_filter(app::CommandLayer& commands, PaymentsState& state) {
  const app::Json answer = commands.query({{"cmd", "payment_type.list"}});
  const app::Json types = answer.value("ok", false) ? answer["result"] : app::Json::array();
  std::string current = tr("payments.all_types");
  for (const auto& t : types) {
    if (t.value("payment_type_id", std::string()) == state.type_id) current = t.value("label", std::string());
  }
  ImGui::SetNextItemWidth(fit(300));
  const bool open = ImGui::BeginCombo("##payments-type", current.c_str());
  name_last_widget(tr("payments.type"), current.c_str());
  if (!open) return;
  if (ImGui::Selectable(tr_id("payments.all_types", "type-all").c_str(), state.type_id.empty())) {
    state.type_id.clear();
  }
  for (const auto& t : types) {
    const std::string id = t.value("payment_type_id", std::string()), text = t.value("label", std::string());
    if (ImGui::Selectable((text + "##type-" + id).c_str(), id == state.type_id)) state.type_id = id;
  }
  ImGui::EndCombo();
}


}  // namespace

std::string draw_payments_screen(app::CommandLayer& commands, std::uint64_t data_version, PaymentsState& state) {
  title(tr("nav.payments"));
  name_next_group(tr("payments.period"));
  for (int i = 0; i < static_cast<int>(std::size(kPeriods)); ++i) {
    const std::string text = tr_id(kPeriods[i], std::string("period-") + std::to_string(i));
    if (i > 0) beside(choice_width(text.c_str()));
    if (radio(text.c_str(), state.period == i)) state.period = i;
  }
  beside(300, 30);
  type_filter(commands, state);

  app::Json query = {{"cmd", "payment.list"}};
  add_period(query, state.period);
  if (!state.type_id.empty()) query["payment_type_id"] = state.type_id;
  state.list.set_query(query, data_version);
  const std::int64_t total = state.list.total(commands);
  ImGui::Spacing();
  if (total == 0) {
    label(tr("payments.empty"));
    return "";
  }
  const std::int64_t received = state.list.summary(commands).value("received", std::int64_t{0});
  label(fill(tr(total == 1 ? "payments.count_one" : "payments.count"), {{"n", whole_number(total)}, {"amount", money(received)}})
            .c_str());
  ImGui::Spacing();

  std::string open_patient;
  ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                          ImGuiTableFlags_SizingStretchProp;
  // A narrow window (a phone, 200 % text) leaves what is unallocated to the patient's page.
  const bool wide = !narrow_window();
  const float inner = table_width(wide ? 700.0f : 560.0f, &flags);
  if (!ImGui::BeginTable("##payments", wide ? 7 : 6, flags, ImVec2(0, table_height()), inner)) return "";
  ImGui::TableSetupScrollFreeze(0, 1);
  // Dates, amounts and the button keep their width; names, types and references share the
  // rest and are cut with « … » (whole on hover) rather than push the button out of sight.
  const std::string open_text = tr("payments.open_patient");
  const float pad = ImGui::GetStyle().FramePadding.x * 2 + ImGui::GetStyle().CellPadding.x * 2;
  auto fixed = [&](const char* header, const std::string& widest) {
    const float w = std::max(ImGui::CalcTextSize(header).x, ImGui::CalcTextSize(widest.c_str()).x) + pad;
    ImGui::TableSetupColumn(header, ImGuiTableColumnFlags_WidthFixed, w);
  };
  fixed(tr("payments.date"), "00/00/0000");
  ImGui::TableSetupColumn(tr("payments.patient"), ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn(tr("payments.type"), ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn(tr("payments.reference"), ImGuiTableColumnFlags_WidthStretch, 1.2f);
  fixed(tr("payments.amount"), money(999999));
  if (wide) fixed(tr("payments.unallocated"), money(999999));
  fixed("", open_text);
  table_headers({4, 5});
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(total));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const app::Json* row = state.list.row(commands, i);
      if (!row) continue;
      const app::Json& r = *row;
      const bool deleted = r.value("deleted", false);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      label(date(r.value("paid_on", std::string())).c_str());
      ImGui::TableNextColumn();
      label_fitted(r.value("patient_name", std::string()));
      ImGui::TableNextColumn();
      label_fitted(r.value("type", std::string()));
      ImGui::TableNextColumn();
      if (deleted) {
        muted(tr("payments.deleted"));
      } else {
        label_fitted(r.value("reference", std::string()));
      }
      ImGui::TableNextColumn();
      right_aligned(money(r.value("amount", std::int64_t{0})));
      if (wide) {
        ImGui::TableNextColumn();
        const std::int64_t credit = r.value("credit", std::int64_t{0});
        right_aligned(credit > 0 ? money(credit) : std::string());
      }
      ImGui::TableNextColumn();
      const std::string button = open_text + "##open-payment-" +
                                 r.value("payment_id", std::string());
      if (ImGui::SmallButton(button.c_str())) open_patient = r.value("patient_id", std::string());
    }
  }
  ImGui::EndTable();
  return open_patient;
}

}  // namespace quittance::ui
