// Application shell. See shell.h.
#include "ui/shell.h"

#include <imgui.h>

#include "core/version.h"
#include "ui/announce.h"
#include "ui/card_messages.h"
#include "ui/form.h"
#include "ui/platform_hooks.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/settings_screen.h"
#include "ui/sign_in.h"
#include "ui/sync_status.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

constexpr float kNavWidth = 230.0f;
constexpr float kStatusHeight = 34.0f;

struct SectionEntry {
  Section section;
  const char* id;
};
constexpr SectionEntry kSections[] = {
    {Section::Dashboard, "dashboard"}, {Section::Patients, "patients"},
    {Section::Invoices, "invoices"},   {Section::Payments, "payments"},
    {Section::Communications, "communications"}, {Section::Settings, "settings"},
};

std::string key_of(const char* prefix, const char* id, const char* suffix) {
  return std::string(prefix) + id + suffix;
}

constexpr float kNavEntryHeight = 30.0f;
const ImVec2 kNavPadding(12, 14);
const ImVec2 kNavPaddingAcross(12, 8);

std::string nav_text(const SectionEntry& e) { return tr_id(key_of("nav.", e.id, ""), std::string("nav-") + e.id); }
// An entry's width when the navigation runs across the top: its words and some air.
float nav_entry_width(const std::string& text) { return ImGui::CalcTextSize(text.c_str(), nullptr, true).x + 12; }
constexpr float kNavGapAcross = 4.0f;

// The height of the navigation across the top of a window `width` wide: its entries wrap.
float navigation_height(float width) {
  const float room = width - 2 * kNavPaddingAcross.x, gap = kNavGapAcross;
  int lines = 1;
  float x = 0;
  for (const SectionEntry& e : kSections) {
    const float w = nav_entry_width(nav_text(e));
    if (x > 0 && x + gap + w > room) {
      ++lines;
      x = 0;
    }
    x += (x > 0 ? gap : 0) + w;
  }
  return 2 * kNavPaddingAcross.y + lines * kNavEntryHeight + (lines - 1) * ImGui::GetStyle().ItemSpacing.y;
}

// Down the left in a desk-size window, under the app's name; across the top of a narrow one.
void draw_navigation(UiState& state, bool across) {
  if (!across) {
    title("Quittance");
    ImGui::Spacing();
  }
  bool first = true;
  for (const SectionEntry& e : kSections) {
    std::string text = nav_text(e);
    const float width = across ? nav_entry_width(text) : 0.0f;
    if (across && !first) beside(width, kNavGapAcross);
    first = false;
    const bool pressed = ImGui::Selectable(text.c_str(), state.section == e.section, 0, ImVec2(width, kNavEntryHeight));
    last_widget_is("link", state.section == e.section);
    if (pressed) {
      state.section = e.section;
      // The navigation entry leads to the section's first page, as a practitioner expects.
      state.invoice_page.invoice_id.clear();
      if (e.section == Section::Patients) {
        state.patients.open_patient.clear();
        state.patients.editor.open = false;
      }
    }
  }
}

// Sections whose features arrive with later work say so plainly instead of showing a blank panel.
void draw_coming_soon(Section section) {
  title(tr(key_of("nav.", section_id(section), "")));
  ImGui::Spacing();
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  label(tr(key_of("section.", section_id(section), ".empty")));
  ImGui::PopTextWrapPos();
}

// The status bar; with `session`, who is working and « Changer d'utilisateur » (true when clicked).
bool draw_status_bar(const AppStatus& status, sync::Backend* backend, const SessionState* session) {
  bool switch_user = false;
  label(tr(status.online ? "status.online" : "status.offline"));
  message_shown(tr(status.online ? "status.online" : "status.offline"));
  ImGui::SameLine(0, 28);
  if (backend && backend->server().link().paired()) {
    const std::string sync = sync_status_text(backend->log(), backend->server(), status.online);
    const std::string shown =
        sync.empty() ? std::string(tr("backend.status")) + " " + tr(connection_key(backend->server())) : sync;
    label(shown.c_str());
    message_shown(shown);
    ImGui::SameLine(0, 28);
  }
  if (status.phase == AppStatus::Phase::Ready) {
    switch (status.save) {
      case platform::SaveState::Saved:
        label(tr("status.saved"));
        message_shown(tr("status.saved"));
        break;
      case platform::SaveState::Saving: label(tr("status.saving")); break;
      case platform::SaveState::Failed:
        ImGui::PushStyleColor(ImGuiCol_Text, colour(palette().error));
        label(tr("status.save_failed"));
        ImGui::PopStyleColor();
        message_shown(tr("status.save_failed"), true);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", status.save_error.c_str());
        break;
    }
  }
  if (session) {
    ImGui::SameLine(0, 28);
    label((std::string(tr("sign_in.user")) + " " + session->user_name + " (" + tr(role_key(session->role)) + ")").c_str());
    beside(button_width(tr_id("sign_in.switch", "switch-user").c_str()));
    switch_user = ImGui::SmallButton(tr_id("sign_in.switch", "switch-user").c_str());
  }
  if (status.update_ready) {
    ImGui::SameLine(0, 28);
    label(tr("status.update_ready"));
  }
  // The version stands at the right end, when the bar has room left for it.
  std::string version = std::string("Quittance ") + kVersion;
  const float version_x = ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(version.c_str()).x;
  if (ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + 28 <= version_x) {
    ImGui::SameLine(version_x);
    label(version.c_str());
  }
  return switch_user;
}

// Shows a patient's page (from « Paiements » or an invoice), closing whatever was over it.
void open_patient_page(UiState& state, const std::string& patient_id) {
  state.section = Section::Patients;
  state.patients.open_patient = patient_id;
  state.patients.editor.open = false;
  state.invoice_page.invoice_id.clear();
}

// After the browser lost the books: the ways on, the one that keeps the most first. The
// device's server when it was paired (all that reached it comes back), then a backup file,
// then empty books, asked twice.
void draw_lost_books_choices(const AppStatus& status, UiState& state) {
  if (!platform().start_over) return;
  if (status.lost_paired) {
    if (ImGui::Button(tr("error.lost.from_server"))) platform().start_over("server");
    muted(tr("error.lost.from_server_help"));
    ImGui::Spacing();
  }
  if (ImGui::Button(tr("error.lost.from_backup"))) platform().start_over("backup");
  muted(tr("error.lost.from_backup_help"));
  ImGui::Spacing();
  if (!state.confirm_start_empty) {
    if (ImGui::Button(tr("error.start_over"))) state.confirm_start_empty = true;
    return;
  }
  label(tr("error.lost.confirm_empty"));
  if (ImGui::Button(tr("error.lost.confirm_empty_button"))) platform().start_over("empty");
  beside(button_width(tr("common.cancel")));
  if (ImGui::Button(tr("common.cancel"))) state.confirm_start_empty = false;
}

void draw_centered_message(const AppStatus& status, UiState& state) {
  ImGui::Dummy(ImVec2(0, 60));
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x * 0.9f);
  if (status.phase == AppStatus::Phase::Loading) {
    title(tr("app.loading"));
  } else {
    ImGui::PushStyleColor(ImGuiCol_Text, colour(palette().error));
    title(tr("error.title"));
    ImGui::PopStyleColor();
    ImGui::Spacing();
    label(tr(status.failure_key));
    ImGui::Spacing();
    if (status.failure_key != "error.storage_lost") {
      label(tr("error.nothing_changed"));
    } else {
      draw_lost_books_choices(status, state);
    }
    if (!status.failure_detail.empty()) {
      ImGui::Spacing();
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      label((std::string(tr("error.detail")) + " " + status.failure_detail).c_str());
      ImGui::PopStyleColor();
    }
  }
  ImGui::PopTextWrapPos();
}

// The screen of the section open (or the invoice opened over it), for someone signed in.
void draw_current_screen(app::CommandLayer& commands, sync::Backend* backend, std::uint64_t data_version,
                         const AppStatus& status, UiState& state) {
  if (!state.invoice_page.invoice_id.empty()) {
    const InvoicePageRequest asked = draw_invoice_page(commands, state.invoice_page, state.pay);
    if (!asked.patient.empty()) open_patient_page(state, asked.patient);
    if (!asked.request_payment.empty())
      open_request_form(state.patients.requests, asked.patient, "invoices", asked.request_payment);
    if (!asked.edit_draft.empty()) {
      const app::Json draft = result_of(commands.query({{"cmd", "invoice.get"}, {"invoice_id", asked.edit_draft}}));
      open_patient_page(state, draft.value("patient_id", std::string()));
      open_draft_editor(commands, state.patients.editor, asked.edit_draft);
    }
  } else if (state.section == Section::Settings) {
    state.settings.exports.storage_persisted = status.storage_persisted;
    draw_settings_screen(commands, backend, data_version, state.settings);
  } else if (state.section == Section::Patients) {
    const std::string opened = draw_patients_screen(commands, backend ? &backend->cards() : nullptr, data_version, state.patients, state.pay);
    if (!opened.empty()) open_invoice_page(state.invoice_page, opened);
  } else if (state.section == Section::Invoices) {
    const std::string opened = draw_invoices_screen(commands, data_version, state.invoices, state.pay);
    if (!opened.empty()) open_invoice_page(state.invoice_page, opened);
  } else if (state.section == Section::Payments) {
    const std::string patient = draw_payments_screen(commands, data_version, state.payments);
    if (!patient.empty()) {
      open_patient_page(state, patient);
      state.patients.tab = kPatientPaymentsTab;
    }
  } else if (state.section == Section::Communications) {
    draw_communications_screen(commands, data_version, state.communications, mail_sender(backend ? &backend->server() : nullptr));
  } else if (state.section == Section::Dashboard) {
    draw_dashboard_screen(commands, data_version, state.dashboard);
  } else {
    draw_coming_soon(state.section);
  }
}

}  // namespace

const char* section_id(Section s) {
  for (const SectionEntry& e : kSections) {
    if (e.section == s) return e.id;
  }
  return "dashboard";
}

void draw_app(app::CommandLayer* commands, sync::Backend* backend, std::uint64_t data_version, const AppStatus& status,
              UiState& state) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->Pos);
  ImGui::SetNextWindowSize(vp->Size);
  const ImGuiWindowFlags frame = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("##quittance", nullptr, frame);
  ImGui::PopStyleVar();

  const float body_height = ImGui::GetContentRegionAvail().y - kStatusHeight;
  const bool ready = status.phase == AppStatus::Phase::Ready && commands;
  // On a shared device nothing shows until someone has signed in (their role then applies). A
  // practice of one is signed in as its owner without a word, and stays so when a colleague is
  // added: the sign-in comes at the next start, not in the middle of the owner's work.
  const bool shared = ready && sign_in_needed(*commands);
  if (ready && !state.session.signed_in && !shared) continue_as_current(*commands, state.session);
  const bool signing_in = ready && !state.session.signed_in;

  // A narrow window (a phone, or the desk at 200 % text) has the navigation across the top.
  const bool across = narrow_window();
  const float nav_height = across ? navigation_height(vp->Size.x) : body_height;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, colour(palette().nav));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, across ? kNavPaddingAcross : kNavPadding);
  ImGui::BeginChild("##nav", ImVec2(across ? 0.0f : kNavWidth, nav_height), false,
                    ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NoScrollbar);
  if (!ready || signing_in) ImGui::BeginDisabled();
  draw_navigation(state, across);
  if (!ready || signing_in) ImGui::EndDisabled();
  ImGui::EndChild();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();

  if (!across) ImGui::SameLine(0, 0);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, across ? ImVec2(14, 12) : ImVec2(28, 22));
  const float screen_height = across ? body_height - nav_height - ImGui::GetStyle().ItemSpacing.y : body_height;
  ImGui::BeginChild("##screen", ImVec2(0, screen_height), false,
                    ImGuiWindowFlags_AlwaysUseWindowPadding);
  // Another section, patient or invoice opens at its top, not where the last page was scrolled.
  const std::string page = std::string(section_id(state.section)) + "/" + state.patients.open_patient + "/" +
                           state.invoice_page.invoice_id;
  if (page != state.page_shown) {
    state.page_shown = page;
    ImGui::SetScrollY(0.0f);
  }
  if (!ready) {
    draw_centered_message(status, state);
  } else if (signing_in) {
    draw_sign_in(*commands, state.session);
  } else {
    const bool dashboard = state.section == Section::Dashboard && state.invoice_page.invoice_id.empty();
    draw_safety_notice(*commands, backend ? &backend->log() : nullptr, backend ? &backend->server() : nullptr, status.online, status.storage_persisted, dashboard, state.safety);
    draw_current_screen(*commands, backend, data_version, status, state);
  }
  if (ready) draw_pay_dialog(*commands, backend ? &backend->cards() : nullptr, state.pay);
  ImGui::EndChild();
  ImGui::PopStyleVar();

  ImGui::PushStyleColor(ImGuiCol_ChildBg, colour(palette().status));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(14, 7));
  ImGui::BeginChild("##status", ImVec2(0, 0), false,
                    ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  if (draw_status_bar(status, backend, shared && state.session.signed_in ? &state.session : nullptr)) {
    sign_out(*commands, state.session);
  }
  ImGui::EndChild();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();

  ImGui::End();
}

}  // namespace quittance::ui
