// Known settings. See settings_keys.h.
#include "app/settings_keys.h"

#include "store/settings.h"

namespace quittance::app {

const std::vector<SettingKey>& known_settings() {
  using core::Permission;
  static const std::vector<SettingKey> keys = {
      {"ui.language", "fr", Permission::PersonalPrefs, 2},
      {"practice.name", "", Permission::ManageSettings, 200},
      {"practice.address", "", Permission::ManageSettings, 500},
      {"practice.siret", "", Permission::ManageSettings, 20},
      {"practice.email", "", Permission::ManageSettings, 200},
      {"practice.rpps", "", Permission::ManageSettings, 11},
      {"practice.adeli", "", Permission::ManageSettings, 9},
      {"practice.ei_mention", "EI", Permission::ManageSettings, 100},
      {"practice.currency", "EUR", Permission::ManageSettings, 3},
      {"practice.time_zone", "Europe/Paris", Permission::ManageSettings, 40},
      // Medical and paramedical care is exempt (art. 261-4-1° CGI); this is not the
      // art. 293 B « franchise en base » mention, which would be wrong for these practices.
      {"practice.vat_mention", "Exonération de TVA – article 261-4-1° du CGI", Permission::ManageSettings, 300},
      {"practice.cgv_url", "", Permission::ManageSettings, 500},
      {"practice.cancellation_terms", "", Permission::ManageSettings, 4000},
      // Passing card fees to patients is forbidden for consumer cards in the EU: off by default.
      {"billing.pass_fees", "0", Permission::ManageSettings, 1},
      {"device.series", "A", Permission::ManageSettings, 3},
      // The FEC export's accounts, only those changed (app/chart_of_accounts.h).
      {"accounting.accounts", "", Permission::ManageSettings, 4000},
  };
  return keys;
}

const SettingKey* find_setting(const std::string& key) {
  for (const SettingKey& k : known_settings()) {
    if (key == k.key) return &k;
  }
  return nullptr;
}

bool is_known_setting(const std::string& key) { return find_setting(key) != nullptr; }

std::string setting_or_default(store::Database& db, const std::string& key) {
  if (auto v = store::get_setting(db, key)) return *v;
  const SettingKey* k = find_setting(key);
  return k ? k->fallback : "";
}

}  // namespace quittance::app
