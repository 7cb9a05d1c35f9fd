// The permission table. See roles.h.
#include "core/roles.h"

namespace quittance::core {

bool allowed(Role role, Permission p) {
  switch (role) {
    case Role::Owner: return true;
    case Role::Billing: return p != Permission::ManageSettings;
    case Role::Practitioner:
      return p == Permission::View || p == Permission::PersonalPrefs || p == Permission::ManagePatients ||
             p == Permission::WriteInvoices;
    case Role::ReadOnly: return p == Permission::View || p == Permission::PersonalPrefs;
  }
  return false;
}

const char* to_string(Role role) {
  switch (role) {
    case Role::Owner: return "owner";
    case Role::Billing: return "billing";
    case Role::Practitioner: return "practitioner";
    case Role::ReadOnly: return "read_only";
  }
  return "unknown";
}

std::optional<Role> role_from_string(std::string_view s) {
  for (Role r : {Role::Owner, Role::Billing, Role::Practitioner, Role::ReadOnly}) {
    if (s == to_string(r)) return r;
  }
  return std::nullopt;
}

}  // namespace quittance::core
