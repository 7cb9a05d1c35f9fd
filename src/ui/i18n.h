// Interface strings: one JSON catalogue per language in assets/i18n/ (fr.json, en.json), flat
// maps from a key ("nav.patients") to the text. French is the default; English is complete.
// No interface text is written in code: screens ask tr("key").
#pragma once
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace quittance::ui {

class Catalog {
 public:
  // Parses a catalogue; false (with `error` set) if the text is not a flat JSON object of strings.
  bool load(std::string_view json_text, std::string* error);
  // The text for `key`, or the key itself when missing, so a gap is visible, never blank.
  const char* get(const std::string& key) const;
  bool has(const std::string& key) const { return strings_.count(key) != 0; }
  const std::map<std::string, std::string>& strings() const { return strings_; }

 private:
  std::map<std::string, std::string> strings_;
  mutable std::set<std::string> missing_;  // keys asked for but absent, returned as their own text
};

// The catalogues the interface uses, and which one is current ("fr" or "en").
void set_catalog(const std::string& language, Catalog catalog);
bool set_language(const std::string& language);  // false if no such catalogue
const std::string& language();
const char* tr(const std::string& key);
// A widget's label: the text of `key` with an ImGui id that stays the same in every language
// ("Enregistrer##save-patient"), so that a widget keeps its state, focus and automation name.
std::string tr_id(const std::string& key, const std::string& id);

}  // namespace quittance::ui
