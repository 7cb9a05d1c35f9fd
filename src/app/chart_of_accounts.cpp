// The chart of accounts. See chart_of_accounts.h.
#include "app/chart_of_accounts.h"

#include "app/bounded_json.h"
#include "app/settings_keys.h"

namespace quittance::app {

namespace {
using Json = nlohmann::json;
constexpr const char* kRoles[] = {"revenue", "customers", "vat"};
}  // namespace

std::string ChartOfAccounts::method_account(const std::string& payment_type_id) const {
  if (auto it = methods.find(payment_type_id); it != methods.end()) return it->second;
  if (payment_type_id == "cash") return "530000";
  if (payment_type_id == "cheque") return "511200";
  return "512000";
}

bool valid_account_number(std::string_view number) {
  if (number.size() < 3 || number.size() > 20) return false;
  for (std::size_t i = 0; i < number.size(); ++i) {
    const char c = number[i];
    const bool digit = c >= '0' && c <= '9';
    if (i < 3 ? !digit : !(digit || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

std::string chart_error(const std::string& text) {
  if (text.empty()) return "";
  const Json j = parse_bounded_json_or_discarded(text);
  if (!j.is_object()) return "must be a JSON object";
  for (const auto& [key, value] : j.items()) {
    if (key == "methods") {
      if (!value.is_object()) return "\"methods\" must be an object";
      for (const auto& [method, account] : value.items()) {
        if (method.empty() || method.size() > 64) return "a payment type id is empty or too long";
        if (!account.is_string() || !valid_account_number(account.get<std::string>()))
          return "the account of \"" + method + "\" must start with three digits (3 to 20 digits or capitals)";
      }
      continue;
    }
    bool known = false;
    for (const char* role : kRoles) known = known || key == role;
    if (!known) return "unknown entry \"" + key + "\" (revenue, customers, vat or methods)";
    if (!value.is_string() || !valid_account_number(value.get<std::string>()))
      return "\"" + key + "\" must start with three digits (3 to 20 digits or capitals)";
  }
  return "";
}

ChartOfAccounts chart_of_accounts(store::Database& db) {
  ChartOfAccounts chart;
  const std::string text = setting_or_default(db, "accounting.accounts");
  if (!chart_error(text).empty() || text.empty()) return chart;  // refused when set: defaults
  const Json j = parse_bounded_json_or_discarded(text);
  chart.revenue = j.value("revenue", chart.revenue);
  chart.customers = j.value("customers", chart.customers);
  chart.vat = j.value("vat", chart.vat);
  const Json methods = j.value("methods", Json::object());
  for (const auto& [method, account] : methods.items()) chart.methods[method] = account.get<std::string>();
  return chart;
}

std::string account_label(const std::string& number) {
  // Longest prefix first: 5112 before 511, 512.
  static const std::pair<const char*, const char*> kNames[] = {
      {"5112", "Chèques à encaisser"}, {"5115", "Cartes bancaires à encaisser"}, {"511", "Valeurs à l'encaissement"},
      {"512", "Banque"},               {"53", "Caisse"},                          {"706", "Honoraires"},
      {"411", "Patients"},             {"4457", "TVA collectée"},                 {"467", "Autres comptes débiteurs ou créditeurs"},
  };
  for (const auto& [prefix, name] : kNames) {
    if (number.rfind(prefix, 0) == 0) return name;
  }
  return "Compte " + number;
}

}  // namespace quittance::app
