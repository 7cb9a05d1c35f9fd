// The FEC downloads and their accounts. See fec_exports.h.
#include "ui/fec_exports.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/command_id.h"
#include "ui/exports_settings.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/platform_hooks.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

// The roles of the chart other than the payment methods, with their catalogue keys.
constexpr std::pair<const char*, const char*> kRoles[] = {
    {"revenue", "exports.fec.account.revenue"},
    {"customers", "exports.fec.account.customers"},
    {"vat", "exports.fec.account.vat"},
};

void run_fec(app::CommandLayer& commands, ExportsState& state, const char* variant) {
  const auto period = export_period(state);
  if (!period) return;
  app::Json answer =
      commands.query({{"cmd", "export.fec"}, {"variant", variant}, {"from", period->first}, {"to", period->second}});
  if (answer["ok"] != true) return state.csv_message.say(tr(error_key(answer)), true);
  const app::Json& r = answer["result"];
  const std::string filename = r["filename"];
  platform().download(filename, "text/plain;charset=utf-8", r["text"].get<std::string>());
  state.csv_message.say(
      fill(tr("exports.fec.done"), {{"file", filename}, {"entries", whole_number(r["entries"].get<std::int64_t>())}}),
      false);
}

void load_accounts(app::CommandLayer& commands, FecState& fec) {
  fec.chart = result_of(commands.query({{"cmd", "accounting.chart"}}));
  fec.accounts.clear();
  for (const auto& [role, key] : kRoles) fec.accounts[role] = fec.chart.value(role, std::string());
  for (const app::Json& m : fec.chart.value("methods", app::Json::array())) {
    fec.accounts[m.value("payment_type_id", std::string())] = m.value("account", std::string());
  }
}

// The whole chart as shown, checked by the books (a number must start with three digits).
void save_accounts(app::CommandLayer& commands, FecState& fec) {
  app::Json chart = app::Json::object(), methods = app::Json::object();
  for (const auto& [role, key] : kRoles) chart[role] = fec.accounts[role];
  for (const app::Json& m : fec.chart.value("methods", app::Json::array())) {
    const std::string id = m.value("payment_type_id", std::string());
    methods[id] = fec.accounts[id];
  }
  chart["methods"] = methods;
  const app::Json answer = commands.exec(
      {{"cmd", "settings.set"}, {"id", app::new_command_id()}, {"key", "accounting.accounts"}, {"value", chart.dump()}});
  fec.error_key = answer["ok"] == true ? "" : "exports.fec.accounts.invalid";
  fec.message_key = answer["ok"] == true ? "exports.fec.accounts.saved" : "";
}

void draw_accounts(app::CommandLayer& commands, FecState& fec) {
  push_wrap(760);
  muted(tr("exports.fec.accounts.help"));
  ImGui::PopTextWrapPos();
  if (ImGui::BeginTable("##fec-accounts", 2, ImGuiTableFlags_SizingFixedFit)) {
    layout_table();
    ImGui::TableSetupColumn("caption", ImGuiTableColumnFlags_WidthFixed, 330);
    ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthFixed, 160);
    auto row = [&](const std::string& key, const std::string& caption) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::AlignTextToFramePadding();
      label(caption.c_str());
      ImGui::TableNextColumn();
      ImGui::SetNextItemWidth(150);
      ImGui::InputText(("##fec-account-" + key).c_str(), &fec.accounts[key], ImGuiInputTextFlags_CharsUppercase);
      name_last_widget(caption.c_str());
      field_value(fec.accounts[key], false);
    };
    for (const auto& [role, key] : kRoles) row(role, tr(key));
    for (const app::Json& m : fec.chart.value("methods", app::Json::array())) {
      row(m.value("payment_type_id", std::string()),
          fill(tr("exports.fec.account.method"), {{"method", m.value("label", std::string())}}));
    }
    ImGui::EndTable();
  }
  if (ImGui::Button(tr_id("exports.fec.accounts.save", "fec-accounts-save").c_str())) save_accounts(commands, fec);
  ImGui::SameLine();
  // Back to the proposed chart (the setting emptied): what to do when the accountant's advice
  // changes, without retyping each number.
  if (ImGui::Button(tr_id("exports.fec.accounts.reset", "fec-accounts-reset").c_str())) {
    const app::Json answer = commands.exec(
        {{"cmd", "settings.set"}, {"id", app::new_command_id()}, {"key", "accounting.accounts"}, {"value", ""}});
    const bool ok = answer["ok"] == true;
    fec.error_key = ok ? "" : error_key(answer);
    fec.message_key = ok ? "exports.fec.accounts.reset_done" : "";
    if (ok) load_accounts(commands, fec);
  }
  error_text(fec.error_key);
  outcome_text(fec.message_key);
}

}  // namespace

void draw_fec_exports(app::CommandLayer& commands, std::uint64_t data_version, ExportsState& state, float button_width) {
  FecState& fec = state.fec;
  if (fec.loaded_version != data_version && !ImGui::IsAnyItemActive()) {
    load_accounts(commands, fec);
    fec.loaded_version = data_version;
  }
  ImGui::Spacing();
  heading(tr("exports.fec.heading"));
  push_wrap(760);
  muted(tr("exports.fec.help"));
  ImGui::PopTextWrapPos();
  const bool can_download = static_cast<bool>(platform().download);
  if (!can_download) ImGui::BeginDisabled();
  constexpr std::pair<const char*, const char*> kVariants[] = {{"cash", "exports.fec.cash"}, {"accrual", "exports.fec.accrual"}};
  for (const auto& [variant, key] : kVariants) {
    if (ImGui::Button(tr_id(key, std::string("export-fec-") + variant).c_str(), ImVec2(button_width, 0))) {
      run_fec(commands, state, variant);
    }
    ImGui::SameLine(0, 16);
    ImGui::AlignTextToFramePadding();
    muted(tr(std::string(key) + ".help"));
  }
  if (!can_download) ImGui::EndDisabled();
  if (ImGui::Button(tr_id(fec.show_accounts ? "exports.fec.accounts.hide" : "exports.fec.accounts.show", "fec-accounts")
                        .c_str())) {
    fec.show_accounts = !fec.show_accounts;
  }
  if (fec.show_accounts) draw_accounts(commands, fec);
}

}  // namespace quittance::ui
