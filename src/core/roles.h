// Who may do what. Enforced by the command layer for every command, not only hidden in the UI.
//   owner        everything, including practice settings, catalogue, users
//   billing      patients, invoices, payments, credit notes, refunds
//   practitioner patients, create and issue invoices; view everything
//   read_only    view only
#pragma once
#include <optional>
#include <string_view>

namespace quittance::core {

enum class Role { Owner, Billing, Practitioner, ReadOnly };
enum class Permission {
  View,            // any query
  PersonalPrefs,   // the interface language of this device
  ManageSettings,  // practice identity, tax rates, services, payment types, users, series
  ManagePatients,  // create and edit patients and their billing contacts
  WriteInvoices,   // create, edit, delete drafts; issue
  TakePayments,    // payments, allocations, credit notes, cancellations
  Refund,          // refunds
};

bool allowed(Role role, Permission permission);
const char* to_string(Role role);
std::optional<Role> role_from_string(std::string_view s);

}  // namespace quittance::core
