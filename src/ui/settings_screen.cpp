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
#include "ui/tab_row.h"
#include "ui/templates_settings.h"
#include "ui/theme.h"
#include "ui/users_settings.h"
#include "ui/widget_log.h"

namespace quittance::ui {


void draw_settings_screen(app::CommandLayer& commands, sync::Backend* backend, std::uint64_t data_version,
                          SettingsState& state) {
  title(tr("settings.title"));
  // "###" ids keep each tab (and what it remembers) the same across languages.
  static const std::vector<TabSpec> kTabs = {
      {"settings.practice.heading", "#tab-practice"}, {"catalog.payment_types", "#tab-payment-types"},
      {"catalog.tax_rates", "#tab-tax-rates"},        {"catalog.services", "#tab-services"},
      {"appointment.tab", "#tab-appointment-categories"}, {"templates.tab", "#tab-templates"},
      {"users.tab", "#tab-users"},                    {"backend.tab", "#tab-server"},
      {"online.tab", kOnlinePaymentsTab},             {"exports.tab", kExportsTab},
  };
  tab_row("##settings-tabs", kTabs, &state.tab);
  ImGui::Spacing();
  const std::string& tab = state.tab;
  if (tab != kOnlinePaymentsTab) state.online.requested = false;  // asked again when the tab is opened again
  if (tab == "#tab-practice") {
    draw_practice_settings(commands, data_version, state.practice);
  } else if (tab == "#tab-payment-types") {
    draw_payment_types_settings(commands, state.catalog);
  } else if (tab == "#tab-tax-rates") {
    draw_tax_rates_settings(commands, state.catalog);
  } else if (tab == "#tab-services") {
    draw_services_settings(commands, state.catalog);
  } else if (tab == "#tab-appointment-categories") {
    draw_appointment_settings(commands, state.appointments);
  } else if (tab == "#tab-templates") {
    draw_templates_settings(commands, state.templates, mail_sender(backend ? &backend->server() : nullptr));
  } else if (tab == "#tab-users") {
    draw_users_settings(commands, state.users);
  } else if (tab == "#tab-server") {
    draw_backend_settings(backend, state.backend);
  } else if (tab == kOnlinePaymentsTab) {
    draw_online_payments_settings(commands, backend, state.online);
  } else if (tab == kExportsTab) {
    draw_exports_settings(commands, data_version, state.exports);
  }
}

}  // namespace quittance::ui
