// The billing catalogue in « Paramètres »: « Types de paiement internes » (with « Ajouter type de
// paiement »), tax rates (« + Nouveau taux de taxe ») and the services catalogue (actes).
// Used types, rates and acts are archived, never deleted.
#pragma once
#include <string>

#include "app/commands.h"

namespace quittance::ui {

struct CatalogSettingsState {
  std::string payment_type_label;
  std::string tax_name, tax_rate;                       // rate as typed: "20" or "5,5"
  std::string service_code, service_label, service_price, service_tax_id = "exempt";
  std::string error_key;
};

void draw_payment_types_settings(app::CommandLayer& commands, CatalogSettingsState& state);
void draw_tax_rates_settings(app::CommandLayer& commands, CatalogSettingsState& state);
void draw_services_settings(app::CommandLayer& commands, CatalogSettingsState& state);

}  // namespace quittance::ui
