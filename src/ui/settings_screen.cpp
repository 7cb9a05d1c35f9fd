// « Paramètres » screen. See settings_screen.h.
#include "ui/settings_screen.h"

#include <imgui.h>

#include "ui/appointments_view.h"
#include "ui/backend_settings.h"
#include "ui/catalog_settings.h"
#include "ui/exports_settings.h"
#include "ui/form.h"
#include "ui/i18n.h"
#include "ui/online_payments_settings.h"
#include "ui/practice_settings.h"
#include "ui/templates_settings.h"
#include "ui/theme.h"
#include "ui/users_settings.h"
#include "ui/widget_log.h"

namespace quittance::ui {


void draw_settings_screen(app::CommandLayer& commands, sync::Backend* backend, std::uint64_t data_version,
                          SettingsState& state) {
  title(tr("settings.title"));
  if (!ImGui::BeginTabBar("##settings-tabs")) return;
  // "###" ids keep each tab (and what it remembers) the same across languages.
  if (ImGui::BeginTabItem(tr_id("settings.practice.heading", "#tab-practice").c_str())) {
    draw_practice_settings(commands, data_version, state.practice);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem(tr_id("catalog.payment_types", "#tab-payment-types").c_str())) {
    draw_payment_types_settings(commands, state.catalog);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem(tr_id("catalog.tax_rates", "#tab-tax-rates").c_str())) {
    draw_tax_rates_settings(commands, state.catalog);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem(tr_id("catalog.services", "#tab-services").c_str())) {
    draw_services_settings(commands, state.catalog);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem(tr_id("appointment.tab", "#tab-appointment-categories").c_str())) {
    draw_appointment_settings(commands, state.appointments);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem(tr_id("templates.tab", "#tab-templates").c_str())) {
    draw_templates_settings(commands, state.templates, mail_sender(backend ? &backend->server() : nullptr));
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem(tr_id("users.tab", "#tab-users").c_str())) {
    draw_users_settings(commands, state.users);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem(tr_id("backend.tab", "#tab-server").c_str())) {
    draw_backend_settings(backend, state.backend);
    ImGui::EndTabItem();
  }
  const ImGuiTabItemFlags online_flags = state.open_online ? ImGuiTabItemFlags_SetSelected : 0;
  state.open_online = false;
  if (ImGui::BeginTabItem(tr_id("online.tab", "#tab-online-payments").c_str(), nullptr, online_flags)) {
    draw_online_payments_settings(commands, backend, state.online);
    ImGui::EndTabItem();
  } else {
    state.online.requested = false;  // asked again when the tab is opened again
  }
  const ImGuiTabItemFlags exports_flags = state.open_exports ? ImGuiTabItemFlags_SetSelected : 0;
  state.open_exports = false;
  if (ImGui::BeginTabItem(tr_id("exports.tab", "#tab-exports").c_str(), nullptr, exports_flags)) {
    draw_exports_settings(commands, state.exports);
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

}  // namespace quittance::ui
