// The offered zones. See zones.h.
#include "zone/zones.h"

namespace quittance::zone {

const std::vector<Offered>& offered() {
  static const std::vector<Offered> zones = {
      {"Europe/Paris", "France métropolitaine (Paris)"},
      {"America/Guadeloupe", "Guadeloupe"},
      {"America/Cayenne", "Guyane"},
      {"Indian/Reunion", "La Réunion"},
      {"America/Martinique", "Martinique"},
      {"Indian/Mayotte", "Mayotte"},
      {"Pacific/Noumea", "Nouvelle-Calédonie"},
      {"Pacific/Tahiti", "Polynésie française (Tahiti)"},
      {"Pacific/Marquesas", "Polynésie française (Marquises)"},
      {"Pacific/Gambier", "Polynésie française (Gambier)"},
      {"America/St_Barthelemy", "Saint-Barthélemy"},
      {"America/Marigot", "Saint-Martin"},
      {"America/Miquelon", "Saint-Pierre-et-Miquelon"},
      {"Pacific/Wallis", "Wallis-et-Futuna"},
  };
  return zones;
}

bool is_offered(std::string_view id) {
  for (const Offered& z : offered()) {
    if (id == z.id) return true;
  }
  return false;
}

const char* offered_or_default(std::string_view id) {
  for (const Offered& z : offered()) {
    if (id == z.id) return z.id;
  }
  return kDefault;
}

}  // namespace quittance::zone
