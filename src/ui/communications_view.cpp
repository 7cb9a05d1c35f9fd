// Communications. See communications_view.h.
#include "ui/communications_view.h"

#include <imgui.h>

#include "app/command_id.h"
#include "ui/announce.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

constexpr const char* kFilters[] = {"", "scheduled", "sent", "failed", "cancelled"};

// « Programmé », « Envoyé », « Échec : … », « Annulé : … », and what is asked of the server.
std::string state_text(const app::Json& m) {
  const std::string state = m.value("state", std::string());
  const std::string error = m.value("error", std::string());
  std::string text = tr("comms.state." + state);
  if (!error.empty() && state != "sent") text += " – " + error;
  if (m.value("cancel_requested", false)) text += " – " + std::string(tr("comms.cancel_requested"));
  if (m.value("retry_requested", false)) text += " – " + std::string(tr("comms.retry_requested"));
  return text;
}

// The invoice the email is about; a payment request's: its first invoice « (+n) » for the others,
// or what it asks (« Acompte », « Carte ») when it asks for no invoice.
std::string invoice_cell(const app::Json& m) {
  std::string number = m.value("invoice_number", std::string());
  const std::string kind = m.value("request_kind", std::string());
  const std::int64_t others = m.value("request_invoices", std::int64_t{0}) - 1;
  if (!number.empty() && others > 0) return number + " (+" + std::to_string(others) + ")";
  if (number.empty() && (kind == "deposit" || kind == "card")) return tr("comms.request." + kind);
  return number;
}

}  // namespace

MailSender mail_sender(const sync::ServerLink* server) {
  if (server && server->simulated()) return MailSender::Demo;
  return server && server->link().paired() ? MailSender::Server : MailSender::Unpaired;
}

void draw_communications(app::CommandLayer& commands, std::uint64_t data_version, CommunicationsState& state,
                         const std::string& patient_id, MailSender sender) {
  if (sender != MailSender::Server) {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    muted(tr(sender == MailSender::Demo ? "comms.demo" : "comms.not_paired"));
    ImGui::PopTextWrapPos();
  }
  name_next_group(tr("comms.state"));
  for (int i = 0; i < static_cast<int>(std::size(kFilters)); ++i) {
    const std::string text = std::string(tr(std::string("comms.filter.") + (i == 0 ? "all" : kFilters[i]))) +
                             "##comms-filter-" + std::to_string(i);
    if (i > 0) beside(choice_width(text.c_str()));
    if (radio(text.c_str(), state.filter == i)) state.filter = i;
  }
  app::Json query = {{"cmd", "message.list"}};
  if (!patient_id.empty()) query["patient_id"] = patient_id;
  if (state.filter > 0) query["state"] = kFilters[state.filter];
  state.list.set_query(query, data_version);
  const std::int64_t total = state.list.total(commands);
  error_text(state.error_key);
  ImGui::Spacing();
  if (total == 0) {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    label(tr("comms.empty"));
    ImGui::PopTextWrapPos();
    return;
  }
  const bool all_patients = patient_id.empty();
  ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                          ImGuiTableFlags_SizingStretchProp;
  const float inner = table_width(all_patients ? 700.0f : 600.0f, &flags);
  if (!ImGui::BeginTable("##messages", all_patients ? 7 : 6, flags, ImVec2(0, table_height()), inner)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  // Dates, numbers and the button keep their width; names and the state share the rest.
  const auto fixed = [](const char* text) { return ImGui::CalcTextSize(text).x + 16.0f; };
  ImGui::TableSetupColumn(tr("comms.date"), ImGuiTableColumnFlags_WidthFixed, fixed("00/00/0000 00:00"));
  if (all_patients) ImGui::TableSetupColumn(tr("comms.patient"), 0, 1.2f);
  ImGui::TableSetupColumn(tr("comms.invoice"), ImGuiTableColumnFlags_WidthFixed, fixed("F-0000-AA-000000 (+9)"));
  ImGui::TableSetupColumn(tr("comms.template"), 0, 1.6f);
  ImGui::TableSetupColumn(tr("comms.recipient"), 0, 1.4f);
  ImGui::TableSetupColumn(tr("comms.state"), 0, 1.6f);
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, fixed(tr("comms.cancel")));
  table_headers();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(total));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const app::Json* row = state.list.row(commands, i);
      if (!row) continue;
      const app::Json& m = *row;
      const std::string id = m.value("message_id", std::string());
      const std::string st = m.value("state", std::string());
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const std::string sent_at = m.value("sent_at", std::string());
      label(date_time(sent_at.empty() ? m.value("due_at", std::string()) : sent_at).c_str());
      if (all_patients) {
        ImGui::TableNextColumn();
        label(m.value("patient_name", std::string()).c_str());
      }
      ImGui::TableNextColumn();
      label(invoice_cell(m).c_str());
      ImGui::TableNextColumn();
      label(m.value("template_name", std::string()).c_str());
      ImGui::TableNextColumn();
      label(m.value("recipient", std::string()).c_str());
      ImGui::TableNextColumn();
      ImGui::PushTextWrapPos(0.0f);
      if (st == "failed") ImGui::PushStyleColor(ImGuiCol_Text, colour(palette().error));
      label(state_text(m).c_str());
      if (st == "failed") ImGui::PopStyleColor();
      ImGui::PopTextWrapPos();
      ImGui::TableNextColumn();
      const char* action = st == "scheduled" && !m.value("cancel_requested", false) ? "comms.cancel"
                           : st == "failed" && !m.value("retry_requested", false) ? "comms.retry"
                                                                                  : nullptr;
      if (action && ImGui::SmallButton(tr_id(action, std::string(action) + "-" + id).c_str())) {
        const app::Json answer = commands.exec({{"cmd", st == "scheduled" ? "message.cancel" : "message.retry"},
                                                {"id", app::new_command_id()},
                                                {"message_id", id}});
        state.error_key = answer["ok"] == true ? "" : error_key(answer);
      }
    }
  }
  ImGui::EndTable();
}

namespace {

// The year whose attestations patients ask for: last year's until the end of March, then this one's.
int attestation_year() {
  const core::Date t = today();
  return t.month <= 3 ? t.year - 1 : t.year;
}

void draw_attestation_round(app::CommandLayer& commands, CommunicationsState& state) {
  const std::string year = std::to_string(attestation_year());
  push_wrap(760);
  muted(fill(tr("communications.attestations.help"), {{"year", year}}).c_str());
  ImGui::PopTextWrapPos();
  if (!state.confirm_attestations) {
    const std::string ask = fill(tr("communications.attestations.send"), {{"year", year}}) + "##attestations-all";
    if (ImGui::Button(ask.c_str())) {
      state.confirm_attestations = true;
      state.attestations_sent.clear();
    }
  } else {
    label(fill(tr("communications.attestations.confirm_text"), {{"year", year}}).c_str());
    if (ImGui::Button(tr_id("communications.attestations.confirm", "attestations-confirm").c_str())) {
      const app::Json answer = commands.exec(
          {{"cmd", "attestation.email_all"}, {"id", app::new_command_id()}, {"year", attestation_year()}});
      state.confirm_attestations = false;
      state.error_key = answer["ok"] == true ? "" : error_key(answer);
      if (answer["ok"] == true) {
        state.attestations_sent =
            fill(tr("communications.attestations.queued"),
                 {{"n", whole_number(answer["result"].value("queued", std::int64_t{0}))},
                  {"without", whole_number(answer["result"].value("without_email", std::int64_t{0}))}});
      }
    }
    beside(button_width(tr_id("pay.cancel", "attestations-cancel").c_str()));
    if (ImGui::Button(tr_id("pay.cancel", "attestations-cancel").c_str())) state.confirm_attestations = false;
  }
  if (!state.attestations_sent.empty()) {
    label(state.attestations_sent.c_str());
    message_shown(state.attestations_sent);
  }
  ImGui::Separator();
}

}  // namespace

void draw_communications_screen(app::CommandLayer& commands, std::uint64_t data_version, CommunicationsState& state,
                                MailSender sender) {
  title(tr("nav.communications"));
  // Only where a server sends: elsewhere the screen says how to get one.
  if (sender == MailSender::Server) draw_attestation_round(commands, state);
  draw_communications(commands, data_version, state, "", sender);
}

}  // namespace quittance::ui
