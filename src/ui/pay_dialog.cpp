// « Payer » dialog. See pay_dialog.h.
#include "ui/pay_dialog.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/command_id.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {
constexpr const char* kPopup = "pay-dialog";
}  // namespace

void open_pay_dialog(PayDialogState& state, const std::string& invoice_id, std::int64_t due) {
  state = PayDialogState{};
  state.invoice_id = invoice_id;
  state.paid_on = today_input();
  state.amount_text = input_amount(due);
  state.open_requested = true;
}

void draw_pay_dialog(app::CommandLayer& commands, PayDialogState& state) {
  if (state.invoice_id.empty()) return;
  if (state.open_requested) {
    ImGui::OpenPopup(kPopup);
    state.open_requested = false;
  }
  ImGui::SetNextWindowSize(ImVec2(460, 0));
  if (!ImGui::BeginPopupModal(kPopup, nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_AlwaysAutoResize)) {
    return;
  }
  app::Json invoice = commands.query({{"cmd", "invoice.get"}, {"invoice_id", state.invoice_id}})["result"];
  title((std::string(tr("pay.title")) + " " + invoice.value("number", std::string())).c_str());
  label((std::string(tr("pay.due")) + " " + money(invoice.value("due", std::int64_t{0}))).c_str());
  ImGui::Spacing();

  text_field(tr("pay.date"), "##pay-date", &state.paid_on, 200);
  label(tr("pay.type"));
  app::Json types = commands.query({{"cmd", "payment_type.list"}})["result"];
  std::string current_label;
  for (const auto& t : types) {
    if (t["payment_type_id"] == state.type_id) current_label = t["label"];
  }
  ImGui::SetNextItemWidth(360);
  const bool choosing = ImGui::BeginCombo("##pay-type", current_label.c_str());
  name_last_widget(tr("pay.type"));
  if (choosing) {
    for (const auto& t : types) {
      if (t["archived"] == true) continue;
      const std::string id = t["payment_type_id"], text = t["label"];
      if (ImGui::Selectable((text + "##type-" + id).c_str(), id == state.type_id)) state.type_id = id;
    }
    ImGui::EndCombo();
  }
  const std::string patient = invoice.value("patient_id", std::string());
  if (state.type_id == "account") {
    app::Json balance = commands.query({{"cmd", "patient.balance"}, {"patient_id", patient}})["result"];
    label((std::string(tr("pay.available_credit")) + " " + money(balance.value("credit", std::int64_t{0}))).c_str());
  } else if (state.type_id == "credit_note") {
    app::Json notes = commands.query({{"cmd", "credit_note.list"}, {"patient_id", patient}})["result"]["items"];
    bool any = false;
    for (const auto& n : notes) {
      if (n["available"].get<std::int64_t>() <= 0) continue;
      any = true;
      const std::string id = n["credit_note_id"];
      const std::string text = std::string(n["number"]) + " — " + money(n["available"]) + "##cn-" + id;
      if (ImGui::RadioButton(text.c_str(), state.credit_note_id == id)) state.credit_note_id = id;
    }
    if (!any) label(tr("pay.no_credit_note"));
  }
  text_field(tr("pay.amount"), "##pay-amount", &state.amount_text, 200);
  error_text(state.error_key);
  ImGui::Spacing();
  if (ImGui::Button((std::string(tr("pay.submit")) + "##pay-submit").c_str())) {
    auto amount = parse_money(state.amount_text);
    auto paid_on = input_date_to_iso(state.paid_on);
    if (!amount || *amount <= 0) {
      state.error_key = "error.invalid_amount";
    } else if (!paid_on) {
      state.error_key = "error.invalid_date";
    } else {
      app::Json cmd;
      if (state.type_id == "account") {
        cmd = {{"cmd", "invoice.pay_from_account"}, {"invoice_id", state.invoice_id}, {"amount", *amount}};
      } else if (state.type_id == "credit_note") {
        cmd = {{"cmd", "credit_note.apply"}, {"credit_note_id", state.credit_note_id}, {"invoice_id", state.invoice_id},
               {"amount", *amount}};
      } else {
        cmd = {{"cmd", "payment.create"}, {"patient_id", patient}, {"payment_type_id", state.type_id},
               {"amount", *amount}, {"paid_on", *paid_on},
               {"allocations", {{{"invoice_id", state.invoice_id}, {"amount", *amount}}}}};
      }
      cmd["id"] = app::new_command_id();
      app::Json answer = commands.exec(cmd);
      if (answer["ok"] == true) {
        state.invoice_id.clear();
        ImGui::CloseCurrentPopup();
      } else {
        state.error_key = error_key(answer);
      }
    }
  }
  ImGui::SameLine();
  if (ImGui::Button((std::string(tr("pay.cancel")) + "##pay-cancel").c_str())) {
    state.invoice_id.clear();
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

}  // namespace quittance::ui
