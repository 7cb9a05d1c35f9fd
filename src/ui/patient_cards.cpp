// The patient's saved card. See patient_cards.h.
#include "ui/patient_cards.h"

#include <imgui.h>

#include "app/command_id.h"
#include "ui/card_messages.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

void draw_patient_cards(app::CommandLayer& commands, sync::CardPayments* cards, const app::Json& patient,
                        PatientCardsState& state, PaymentRequestsState& requests) {
  const std::string patient_id = patient.value("patient_id", std::string());
  if (state.patient_id != patient_id) {  // another patient: the last message was not about this one
    state = PatientCardsState{};
    state.patient_id = patient_id;
  }
  app::Json saved = result_of(commands.query({{"cmd", "card.list"}, {"patient_id", patient_id}}));
  if (!saved.contains("items")) saved = {{"items", app::Json::array()}, {"attempts", app::Json::array()}};
  const bool available = cards && cards->available() && cards->server().connection() == sync::Connection::Online;
  if (saved["items"].empty() && !available) return;  // nothing to show nor to do here
  // The awaited card has come: the request's message has done its job.
  if (state.message_key == "card.setup_sent" && saved["items"].size() > state.cards_when_asked) state.message_key.clear();

  std::string line = std::string(tr("card.saved_card")) + " ";
  line += saved["items"].empty() ? tr("card.none") : card_label(saved["items"][0], cards && cards->simulated());
  label(line.c_str());
  if (!saved["attempts"].empty()) {
    const app::Json& last = saved["attempts"][0];
    if (last["status"] == "failed") {
      error_text(decline_key(last.value("decline_code", std::string())));
    }
  }
  if (!available) return;
  ImGui::SameLine();
  if (state.asking) ImGui::BeginDisabled();
  const char* setup_key = saved["items"].empty() ? "card.setup" : "card.setup_another";
  const bool pressed = ImGui::Button(tr_id(setup_key, "card-setup").c_str());
  if (state.asking) ImGui::EndDisabled();
  if (pressed && !cards->simulated()) {
    open_request_form(requests, patient_id, "card");
  } else if (pressed) {
    state.asking = true;
    state.message_key.clear();
    state.cards_when_asked = saved["items"].size();
    PatientCardsState* s = &state;
    cards->setup_card(app::new_command_id(), patient_id, patient.value("name", std::string()),
                        patient.value("email", std::string()), [s, patient_id](const sync::CallResult& r) {
                          if (s->patient_id != patient_id) return;
                          s->asking = false;
                          s->failed = !r.ok();
                          s->message_key = r.ok() ? "card.setup_sent" : card_failure_key(r);
                        });
  }
  if (state.failed) {
    error_text(state.message_key);
  } else if (!state.message_key.empty()) {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    outcome_text(state.message_key);
    ImGui::PopTextWrapPos();
  }
}

}  // namespace quittance::ui
