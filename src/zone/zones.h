// The time zones a practice may choose: metropolitan France and the overseas departments and
// collectivities, by their IANA names (the tz database's, as Debian's tzdata ships them; the
// wasm build embeds exactly these files).
#pragma once
#include <string_view>
#include <vector>

namespace quittance::zone {

inline constexpr const char* kDefault = "Europe/Paris";

struct Offered {
  const char* id;     // IANA name, "Indian/Reunion"
  const char* label;  // what the practitioner reads, « La Réunion »
};

// Metropolitan France first, then the overseas territories alphabetically.
const std::vector<Offered>& offered();
bool is_offered(std::string_view id);
// The offered zone named `id`, or kDefault: a name a hostile or older device sent never breaks
// a date (the settings refuse it before it is stored).
const char* offered_or_default(std::string_view id);

}  // namespace quittance::zone
