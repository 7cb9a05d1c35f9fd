// The settings Quittance knows, their defaults and who may change them.
#pragma once
#include <string>
#include <vector>

#include "core/roles.h"
#include "store/database.h"

namespace quittance::app {

struct SettingKey {
  const char* key;
  const char* fallback;          // the value while never set
  core::Permission permission;   // needed to change it
  std::size_t max_bytes;
};

const std::vector<SettingKey>& known_settings();
const SettingKey* find_setting(const std::string& key);
bool is_known_setting(const std::string& key);
// The stored value, or the key's default.
std::string setting_or_default(store::Database& db, const std::string& key);

}  // namespace quittance::app
