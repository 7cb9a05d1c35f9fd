// Correcting a payment. See payment_edit_dialog.h.
#include "ui/payment_edit_dialog.h"

#include <imgui.h>

#include "app/command_id.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/payment_type_picker.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

constexpr const char* kPopup = "payment-edit";

void close(PaymentEditState& state) {
  state.mode = PaymentEditState::Mode::Closed;
  ImGui::CloseCurrentPopup();
}

// The command for what was typed, or "" with state.error_key set.
app::Json command(PaymentEditState& state) {
  if (state.reason.find_first_not_of(" \t") == std::string::npos) {
    state.error_key = "payment_edit.reason_required";
    return nullptr;
  }
  if (state.mode == PaymentEditState::Mode::Delete) {
    return {{"cmd", "payment.delete"}, {"payment_id", state.payment_id}, {"reason", state.reason}};
  }
  auto amount = parse_money(state.amount_text);
  auto paid_on = input_date_to_iso(state.paid_on);
  if (!amount || *amount <= 0) {
    state.error_key = "error.invalid_amount";
    return nullptr;
  }
  if (!paid_on) {
    state.error_key = "error.invalid_date";
    return nullptr;
  }
  app::Json cmd = {{"cmd", "payment.update"}, {"payment_id", state.payment_id}, {"reason", state.reason},
                   {"amount", *amount},       {"paid_on", *paid_on},         {"reference", state.reference},
                   {"note", state.note}};
  // Sent only when changed: a type archived since stays the payment's without being refused.
  if (state.type_id != state.recorded_type_id) cmd["payment_type_id"] = state.type_id;
  return cmd;
}

}  // namespace

void open_payment_edit(PaymentEditState& state, const app::Json& payment, PaymentEditState::Mode mode) {
  state = PaymentEditState{};
  state.mode = mode;
  state.open_requested = true;
  state.payment_id = payment.value("payment_id", std::string());
  state.amount_text = input_amount(payment.value("amount", std::int64_t{0}));
  state.paid_on = date(payment.value("paid_on", std::string()));
  state.reference = payment.value("reference", std::string());
  state.note = payment.value("note", std::string());
  state.type_id = state.recorded_type_id = payment.value("payment_type_id", std::string());
}

void draw_payment_edit(app::CommandLayer& commands, PaymentEditState& state) {
  if (state.mode == PaymentEditState::Mode::Closed) return;
  if (state.open_requested) {
    ImGui::OpenPopup(kPopup);
    state.open_requested = false;
  }
  ImGui::SetNextWindowSize(ImVec2(dialog_width(500), 0));
  if (!ImGui::BeginPopupModal(kPopup, nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_AlwaysAutoResize)) return;
  if (escape_pressed()) {
    close(state);
    ImGui::EndPopup();
    return;
  }
  const bool deleting = state.mode == PaymentEditState::Mode::Delete;
  title(tr(deleting ? "payment_edit.delete_title" : "payment_edit.edit_title"));
  push_wrap(440);
  label(tr(deleting ? "payment_edit.delete_help" : "payment_edit.edit_help"));
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  if (!deleting) {
    text_field(tr("pay.amount"), "##edit-amount", &state.amount_text, 200);
    text_field(tr("pay.date"), "##edit-date", &state.paid_on, 200);
    PaymentTypeChoices choices;
    choices.keep_id = state.recorded_type_id;
    payment_type_picker(commands, tr("pay.type"), "##edit-type", &state.type_id, choices);
    text_field(tr("payment_edit.reference"), "##edit-reference", &state.reference, 440);
    text_field(tr("payment_edit.note"), "##edit-note", &state.note, 440);
  }
  text_field(tr("payment_edit.reason"), "##edit-reason", &state.reason, 440);
  error_text(state.error_key);
  ImGui::Spacing();
  const char* submit = deleting ? "payment_edit.delete_confirm" : "payment_edit.save";
  if (ImGui::Button(tr_id(submit, "edit-submit").c_str())) {
    state.error_key.clear();
    app::Json cmd = command(state);
    if (!cmd.is_null()) {
      cmd["id"] = app::new_command_id();
      app::Json answer = commands.exec(cmd);
      if (answer["ok"] == true) {
        close(state);
      } else {
        state.error_key = error_key(answer);
      }
    }
  }
  ImGui::SameLine();
  if (state.mode != PaymentEditState::Mode::Closed &&
      ImGui::Button(tr_id("pay.cancel", "edit-cancel").c_str())) {
    close(state);
  }
  ImGui::EndPopup();
}

}  // namespace quittance::ui
