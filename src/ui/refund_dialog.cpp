// « Rembourser ». See refund_dialog.h.
#include "ui/refund_dialog.h"

#include <imgui.h>

#include "app/command_id.h"
#include "ui/card_messages.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/payment_type_picker.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

constexpr const char* kPopup = "refund-dialog";

void close(RefundDialogState& state) {
  state.payment_id.clear();
  ImGui::CloseCurrentPopup();
}

void refund_on_card(sync::CardPayments& cards, RefundDialogState& state, std::int64_t amount, const std::string& on) {
  if (state.command_id.empty()) state.command_id = app::new_command_id();
  state.sending = true;
  state.error_key.clear();
  RefundDialogState* s = &state;
  const std::string payment_id = state.payment_id;
  const PendingRefund asked{state.command_id, state.amount_text, state.reason, state.refunded_on};
  cards.refund({state.command_id, state.processor_ref, state.reason, on, amount},
                 [s, payment_id, asked](const sync::CallResult& r) {
                   if (outcome_unknown(r)) {
                     s->unknown_refunds[payment_id] = asked;
                   } else {
                     s->unknown_refunds.erase(payment_id);
                   }
                   if (s->payment_id != payment_id) return;
                   s->sending = false;
                   if (r.ok()) {
                     s->done = true;
                   } else {
                     s->error_key = card_failure_key(r);
                     if (!outcome_unknown(r)) s->command_id.clear();
                   }
                 });
}

}  // namespace

void open_refund_dialog(RefundDialogState& state, const app::Json& payment, const std::string& patient_id) {
  auto unknown = std::move(state.unknown_refunds);
  state = RefundDialogState{};
  state.unknown_refunds = std::move(unknown);
  state.payment_id = payment.value("payment_id", std::string());
  state.patient_id = patient_id;
  state.payment_type_id = state.recorded_type_id = payment.value("payment_type_id", std::string());
  state.processor_ref = payment.value("processor_ref", std::string());
  state.refundable = payment.value("refundable", std::int64_t{0});
  state.amount_text = input_amount(state.refundable);
  state.refunded_on = today_input();
  state.open_requested = true;
  if (auto it = state.unknown_refunds.find(state.payment_id); it != state.unknown_refunds.end()) {
    state.command_id = it->second.command_id;
    state.amount_text = it->second.amount_text;
    state.reason = it->second.reason;
    state.refunded_on = it->second.refunded_on;
    state.error_key = "card.error.stripe_unreachable";
  }
}

void draw_refund_dialog(app::CommandLayer& commands, sync::CardPayments* cards, RefundDialogState& state) {
  if (state.payment_id.empty()) return;
  if (state.open_requested) {
    ImGui::OpenPopup(kPopup);
    state.open_requested = false;
  }
  ImGui::SetNextWindowSize(ImVec2(dialog_width(500), 0));
  if (!ImGui::BeginPopupModal(kPopup, nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_AlwaysAutoResize)) return;
  if (state.done || escape_pressed()) {
    close(state);
    ImGui::EndPopup();
    return;
  }
  const bool by_card = !state.processor_ref.empty();
  const bool card_available =
      cards && cards->refunds_available() && cards->server().connection() == sync::Connection::Online;
  title(tr("refund.title"));
  label((std::string(tr("refund.refundable")) + " " + money(state.refundable)).c_str());
  push_wrap(440);
  label(tr(by_card ? "refund.route_card" : "refund.route_manual"));
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  // A refund awaiting its outcome is asked again as it was: its fields cannot change meanwhile.
  const bool frozen = by_card && !state.command_id.empty();
  if (frozen) ImGui::BeginDisabled();
  text_field(tr("pay.amount"), "##refund-amount", &state.amount_text, 200);
  text_field(tr("refund.reason"), "##refund-reason", &state.reason, 440);
  text_field(tr("refund.details"), "##refund-details", &state.details, 440);
  text_field(tr("refund.date"), "##refund-date", &state.refunded_on, 200);
  // By hand, the money goes back as the practice chooses (cash, a transfer…); a card refund
  // goes back on the card, through Stripe.
  if (!by_card) {
    PaymentTypeChoices choices;
    choices.keep_id = state.recorded_type_id;
    payment_type_picker(commands, tr("refund.type"), "##refund-type", &state.payment_type_id, choices);
  }
  if (frozen) ImGui::EndDisabled();
  error_text(by_card && !card_available ? std::string("card.unavailable") : state.error_key);
  ImGui::Spacing();
  const bool retry = by_card && !state.command_id.empty() && !state.sending;
  const char* key = state.sending ? "refund.sending" : retry ? "card.retry" : "refund.submit";
  const bool disabled = state.sending || (by_card && !card_available);
  if (disabled) ImGui::BeginDisabled();
  const bool pressed = ImGui::Button(tr_id(key, "refund-submit").c_str());
  if (disabled) ImGui::EndDisabled();
  if (pressed) {
    auto amount = parse_money(state.amount_text);
    auto on = input_date_to_iso(state.refunded_on);
    if (!amount || *amount <= 0) {
      state.error_key = "error.invalid_amount";
    } else if (*amount > state.refundable) {
      state.error_key = "error.refund_exceeds_refundable";
    } else if (state.reason.find_first_not_of(" \t") == std::string::npos) {
      state.error_key = "refund.reason_required";
    } else if (!on) {
      state.error_key = "error.invalid_date";
    } else if (by_card) {
      refund_on_card(*cards, state, *amount, *on);
    } else {
      app::Json answer = commands.exec({{"cmd", "refund.create"},
                                        {"id", app::new_command_id()},
                                        {"patient_id", state.patient_id},
                                        {"payment_id", state.payment_id},
                                        {"payment_type_id", state.payment_type_id},
                                        {"amount", *amount},
                                        {"reason", state.reason},
                                        {"details", state.details},
                                        {"refunded_on", *on}});
      if (answer["ok"] == true) {
        close(state);
      } else {
        state.error_key = error_key(answer);
      }
    }
  }
  beside(button_width(tr_id("pay.cancel", "refund-cancel").c_str()));
  if (!state.payment_id.empty() && ImGui::Button(tr_id("pay.cancel", "refund-cancel").c_str())) {
    close(state);
  }
  ImGui::EndPopup();
}

}  // namespace quittance::ui
