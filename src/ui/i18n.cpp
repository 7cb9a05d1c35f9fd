// Catalogues of interface strings. See i18n.h.
#include "ui/i18n.h"

#include <nlohmann/json.hpp>

namespace quittance::ui {

bool Catalog::load(std::string_view json_text, std::string* error) {
  auto parsed = nlohmann::json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    if (error) *error = "a catalogue must be a JSON object";
    return false;
  }
  std::map<std::string, std::string> strings;
  for (auto it = parsed.begin(); it != parsed.end(); ++it) {
    if (!it.value().is_string()) {
      if (error) *error = "value of \"" + it.key() + "\" is not a string";
      return false;
    }
    strings.emplace(it.key(), it.value().get<std::string>());
  }
  strings_ = std::move(strings);
  return true;
}

const char* Catalog::get(const std::string& key) const {
  auto it = strings_.find(key);
  if (it != strings_.end()) return it->second.c_str();
  return missing_.insert(key).first->c_str();  // stable storage: callers may keep the pointer
}

namespace {
struct Catalogs {
  std::map<std::string, Catalog> by_language;
  std::string current = "fr";
};
Catalogs& catalogs() {
  static Catalogs c;
  return c;
}
}  // namespace

void set_catalog(const std::string& language, Catalog catalog) { catalogs().by_language[language] = std::move(catalog); }

bool set_language(const std::string& language) {
  if (!catalogs().by_language.count(language)) return false;
  catalogs().current = language;
  return true;
}

const std::string& language() { return catalogs().current; }

const char* tr(const std::string& key) {
  auto& c = catalogs();
  auto it = c.by_language.find(c.current);
  if (it == c.by_language.end()) {
    static Catalog empty;
    return empty.get(key);
  }
  return it->second.get(key);
}

std::string tr_id(const std::string& key, const std::string& id) { return std::string(tr(key)) + "##" + id; }

}  // namespace quittance::ui
