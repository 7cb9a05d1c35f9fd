// Key/value settings of the clinic (practice identity, interface language, ...).
#pragma once
#include <map>
#include <optional>
#include <string>

#include "store/database.h"

namespace quittance::store {

std::optional<std::string> get_setting(Database& db, const std::string& key);
void set_setting(Database& db, const std::string& key, const std::string& value);
std::map<std::string, std::string> all_settings(Database& db);

}  // namespace quittance::store
