// Clocks. See clock.h.
#include "app/clock.h"

#include <chrono>

#include "app/settings_keys.h"
#include "core/schedule.h"
#include "zone/local_time.h"
#include "zone/zones.h"

namespace quittance::app {

namespace {
std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

Clock system_clock(std::function<std::string()> zone) {
  return Clock{
      [] { return core::format_utc_instant(unix_now()); },
      // The calendar date where the practice is, not the device's nor UTC's: a payment taken at
      // 00:30 in Paris is dated today, and a laptop set to another zone changes nothing.
      [zone = std::move(zone)] { return zone::local_date(unix_now(), zone ? zone() : zone::kDefault); },
  };
}

Clock practice_clock(store::Database& db) {
  return system_clock([&db] { return setting_or_default(db, "practice.time_zone"); });
}

Clock fixed_clock(core::Date date) {
  return Clock{[date] { return core::format_iso(date) + "T09:00:00Z"; }, [date] { return date; }};
}

}  // namespace quittance::app
