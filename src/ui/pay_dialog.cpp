// « Payer » dialog. See pay_dialog.h.
#include "ui/pay_dialog.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <optional>

#include "app/command_id.h"
#include "ui/announce.h"
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

constexpr const char* kPopup = "pay-dialog";
constexpr const char* kSavedCard = "saved_card";  // the type entry of « Débiter la carte »

void close(PayDialogState& state) {
  state.invoice_id.clear();
  ImGui::CloseCurrentPopup();
}

// The invoice being paid, as the dialog reads it (invoice.get).
struct InvoiceToPay {
  std::string id, patient_id, number, currency;
  std::int64_t due = 0;
};

InvoiceToPay read_invoice(app::CommandLayer& commands, const std::string& invoice_id) {
  const app::Json inv = result_of(commands.query({{"cmd", "invoice.get"}, {"invoice_id", invoice_id}}));
  return {invoice_id, inv.value("patient_id", std::string()), inv.value("number", std::string()),
          inv.value("currency", std::string("EUR")), inv.value("due", std::int64_t{0})};
}

// Says what the payment did to the invoice, for a practitioner who does not see the table
// change: « Paiement enregistré, facture F-2026-0042 réglée » (or what is still due).
void announce_payment(app::CommandLayer& commands, const InvoiceToPay& paid) {
  const InvoiceToPay now = read_invoice(commands, paid.id);
  std::string text = std::string(tr("a11y.payment_recorded")) + " " + now.number;
  text += now.due == 0 ? std::string(" ") + tr("a11y.invoice_settled")
                       : std::string(", ") + tr("a11y.still_due") + " " + money(now.due);
  announce(text);
}

// Asks the server to charge the patient's saved card for the invoice's amount due.
void charge_card(sync::CardPayments& cards, PayDialogState& state, const InvoiceToPay& invoice, const std::string& paid_on) {
  if (state.charge_command_id.empty()) state.charge_command_id = app::new_command_id();
  state.charging = true;
  state.error_key.clear();
  sync::ChargeRequest request;
  request.command_id = state.charge_command_id;
  request.patient_id = invoice.patient_id;
  request.invoice_id = invoice.id;
  request.invoice_number = invoice.number;
  request.currency = invoice.currency;
  request.paid_on = paid_on;
  request.amount = invoice.due;
  PayDialogState* s = &state;  // the UI state outlives every request
  const std::string invoice_id = state.invoice_id;
  cards.charge(request, [s, invoice_id, command_id = state.charge_command_id](const sync::CallResult& r) {
    // Whatever the dialog shows now, remember a charge whose outcome is unknown.
    if (outcome_unknown(r)) {
      s->unknown_charges[invoice_id] = command_id;
    } else {
      s->unknown_charges.erase(invoice_id);
    }
    if (s->invoice_id != invoice_id) return;  // the dialog was closed or moved on meanwhile
    s->charging = false;
    if (r.status == 200) {
      s->charged = true;
    } else if (r.status == 202) {
      s->notice_key = "card.processing";
      s->charge_command_id.clear();
    } else {
      s->error_key = card_failure_key(r);
      // A definite answer ends this charge: another attempt is another charge. Without an
      // answer the outcome is unknown, and « Réessayer » must ask for the same one.
      if (!outcome_unknown(r)) s->charge_command_id.clear();
    }
  });
}

// The command that pays the invoice as the form says, or nullopt with the catalogue key of
// what is wrong in it: from the account's credit, a credit note, or a payment of a type.
std::optional<app::Json> payment_command(const PayDialogState& state, const InvoiceToPay& invoice,
                                         std::string* error_key) {
  const auto amount = parse_money(state.amount_text);
  const auto paid_on = input_date_to_iso(state.paid_on);
  if (!amount || *amount <= 0) {
    *error_key = "error.invalid_amount";
    return std::nullopt;
  }
  if (!paid_on) {
    *error_key = "error.invalid_date";
    return std::nullopt;
  }
  app::Json cmd;
  if (state.type_id == "account") {
    cmd = {{"cmd", "invoice.pay_from_account"}, {"invoice_id", invoice.id}, {"amount", *amount}};
  } else if (state.type_id == "credit_note") {
    cmd = {{"cmd", "credit_note.apply"}, {"credit_note_id", state.credit_note_id}, {"invoice_id", invoice.id},
           {"amount", *amount}};
  } else {
    cmd = {{"cmd", "payment.create"},     {"patient_id", invoice.patient_id}, {"payment_type_id", state.type_id},
           {"amount", *amount},           {"paid_on", *paid_on},
           {"allocations", {{{"invoice_id", invoice.id}, {"amount", *amount}}}}};
  }
  cmd["id"] = app::new_command_id();
  return cmd;
}

// What the chosen source holds: the account's credit, or the credit notes to pick from.
void draw_source(app::CommandLayer& commands, PayDialogState& state, const std::string& patient) {
  if (state.type_id == "account") {
    const app::Json balance = result_of(commands.query({{"cmd", "patient.balance"}, {"patient_id", patient}}));
    label((std::string(tr("pay.available_credit")) + " " + money(balance.value("credit", std::int64_t{0}))).c_str());
  } else if (state.type_id == "credit_note") {
    const app::Json notes = result_of(commands.query({{"cmd", "credit_note.list"}, {"patient_id", patient}}))
                                .value("items", app::Json::array());
    bool any = false;
    for (const auto& n : notes) {
      const std::int64_t available = n.value("available", std::int64_t{0});
      if (available <= 0) continue;
      any = true;
      const std::string id = n.value("credit_note_id", std::string());
      const std::string text = n.value("number", std::string()) + " — " + money(available) + "##cn-" + id;
      if (radio(text.c_str(), state.credit_note_id == id)) state.credit_note_id = id;
    }
    if (!any) label(tr("pay.no_credit_note"));
  }
}

// « Débiter la carte »: one button, which asks again for the same charge after no answer.
void draw_card_submit(sync::CardPayments& cards, PayDialogState& state, const InvoiceToPay& invoice,
                      bool card_available) {
  const bool retry = !state.charge_command_id.empty() && !state.charging;
  const char* key = state.charging ? "card.charging" : retry ? "card.retry" : "pay.submit";
  const bool disabled = state.charging || !card_available || !state.notice_key.empty();
  if (disabled) ImGui::BeginDisabled();
  const bool pressed = ImGui::Button(tr_id(key, "pay-submit").c_str());
  if (disabled) ImGui::EndDisabled();
  if (!pressed) return;
  if (const auto paid_on = input_date_to_iso(state.paid_on)) {
    charge_card(cards, state, invoice, *paid_on);
  } else {
    state.error_key = "error.invalid_date";
  }
}

}  // namespace

void open_pay_dialog(PayDialogState& state, const std::string& invoice_id, std::int64_t due) {
  auto unknown = std::move(state.unknown_charges);
  state = PayDialogState{};
  state.unknown_charges = std::move(unknown);
  if (auto it = state.unknown_charges.find(invoice_id); it != state.unknown_charges.end()) {
    state.charge_command_id = it->second;
    state.type_id = kSavedCard;
    state.error_key = "card.error.stripe_unreachable";  // say why the button reads « Réessayer »
  }
  state.invoice_id = invoice_id;
  state.paid_on = today_input();
  state.amount_text = input_amount(due);
  state.open_requested = true;
}

void draw_pay_dialog(app::CommandLayer& commands, sync::CardPayments* cards, PayDialogState& state) {
  if (state.invoice_id.empty()) return;
  if (state.open_requested) {
    ImGui::OpenPopup(kPopup);
    state.open_requested = false;
  }
  ImGui::SetNextWindowSize(ImVec2(dialog_width(520), 0));
  if (!ImGui::BeginPopupModal(kPopup, nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_AlwaysAutoResize)) {
    return;
  }
  // Escape closes (a charge under way still reaches the books); so does a paid card.
  if (state.charged || escape_pressed()) {
    close(state);
    ImGui::EndPopup();
    return;
  }
  const InvoiceToPay invoice = read_invoice(commands, state.invoice_id);
  app::Json saved_cards = app::Json::array();
  if (cards && cards->server().link().paired()) {
    saved_cards = result_of(commands.query({{"cmd", "card.list"}, {"patient_id", invoice.patient_id}}))
                      .value("items", app::Json::array());
  }
  const std::string card_text =
      saved_cards.empty() ? std::string() : std::string(tr("card.charge")) + " " + card_label(saved_cards[0]);
  title((std::string(tr("pay.title")) + " " + invoice.number).c_str());
  label((std::string(tr("pay.due")) + " " + money(invoice.due)).c_str());
  ImGui::Spacing();

  text_field(tr("pay.date"), "##pay-date", &state.paid_on, 200);
  PaymentTypeChoices choices;
  choices.from_credit = true;
  choices.card_online = cards && cards->available();
  choices.extra_label = card_text;
  choices.extra_id = card_text.empty() ? std::string() : std::string(kSavedCard);
  payment_type_picker(commands, tr("pay.type"), "##pay-type", &state.type_id, choices);
  const bool by_card = state.type_id == kSavedCard;
  const bool card_available = cards && cards->available() && cards->server().connection() == sync::Connection::Online;
  draw_source(commands, state, invoice.patient_id);
  bool submit_by_enter = false;
  if (by_card) {
    // A card pays what is due, all of it: the server checks the same.
    label((std::string(tr("card.amount")) + " " + money(invoice.due)).c_str());
    if (cards->simulated()) label(tr("card.simulated_note"));
  } else {
    // Enter in the amount submits, as « Soumettre » does: Tab, type, Enter.
    submit_by_enter = text_field(tr("pay.amount"), "##pay-amount", &state.amount_text, 200);
  }
  error_text(by_card && !card_available ? std::string("card.unavailable") : state.error_key);
  outcome_text(state.notice_key);
  ImGui::Spacing();
  if (by_card) {
    draw_card_submit(*cards, state, invoice, card_available);
  } else if (ImGui::Button(tr_id("pay.submit", "pay-submit").c_str()) || submit_by_enter) {
    if (const std::optional<app::Json> cmd = payment_command(state, invoice, &state.error_key)) {
      const app::Json answer = commands.exec(*cmd);
      if (answer["ok"] == true) {
        announce_payment(commands, invoice);
        close(state);
      } else {
        state.error_key = error_key(answer);
      }
    }
  }
  ImGui::SameLine();
  // Closing while a charge is awaited is allowed: its outcome still reaches the books.
  const char* close_key = state.notice_key.empty() ? "pay.cancel" : "pay.close";
  if (ImGui::Button(tr_id(close_key, "pay-cancel").c_str())) close(state);
  ImGui::EndPopup();
}

}  // namespace quittance::ui
