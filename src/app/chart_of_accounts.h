// The accounts the FEC export posts to (fec_export.h), which the practitioner or their
// accountant may adjust (the setting « accounting.accounts »): the receipts account (706, the
// BNC « honoraires »), the patients' collective account (411, each patient an auxiliary
// account), collected VAT, and one treasury account per payment method (53 cash, 5112 cheques
// to deposit, 512 bank, …). The setting holds the accounts chosen; the others keep their default:
//   {"revenue": "706000", "customers": "411000", "vat": "445710", "methods": {"cash": "530000"}}
#pragma once
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "store/database.h"

namespace quittance::app {

struct ChartOfAccounts {
  std::string revenue = "706000";
  std::string customers = "411000";
  std::string vat = "445710";
  std::map<std::string, std::string> methods;  // payment_type_id -> account, where set
  // The treasury account of a payment method: as set, else its default (530000 cash,
  // 511200 cheques, 512000 otherwise: card payouts and transfers reach the bank).
  std::string method_account(const std::string& payment_type_id) const;
};

// An account number as A47 A-1 wants it: its first three characters digits; then up to 17
// digits or capital letters (a plan comptable number, possibly with a letter suffix).
bool valid_account_number(std::string_view number);
// The chart the books hold (defaults where the setting says nothing, or cannot be read).
ChartOfAccounts chart_of_accounts(store::Database& db);
// "" when `text` is a chart the setting may hold, else what is wrong with it (for the refusal).
std::string chart_error(const std::string& text);
// What an account is called in the file (CompteLib): a name from the plan comptable général
// for the usual prefixes, else « Compte 123456 ».
std::string account_label(const std::string& number);

}  // namespace quittance::app
