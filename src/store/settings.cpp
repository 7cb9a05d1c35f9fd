// Settings table access. See settings.h.
#include "store/settings.h"

namespace quittance::store {

std::optional<std::string> get_setting(Database& db, const std::string& key) {
  Statement st = db.prepare("SELECT value FROM settings WHERE key = ?1");
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

void set_setting(Database& db, const std::string& key, const std::string& value) {
  Statement st = db.prepare(
      "INSERT INTO settings(key, value) VALUES (?1, ?2) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE value <> excluded.value");
  st.bind(1, key).bind(2, value);
  st.step();
}

std::map<std::string, std::string> all_settings(Database& db) {
  std::map<std::string, std::string> out;
  Statement st = db.prepare("SELECT key, value FROM settings ORDER BY key");
  while (st.step()) out.emplace(st.column_text(0), st.column_text(1));
  return out;
}

}  // namespace quittance::store
