// Time as the command layer sees it: injected, so tests and the randomized property runs are
// deterministic, and so the core itself never reads a clock.
#pragma once
#include <functional>
#include <string>

#include "core/date.h"

namespace quittance::store {
class Database;
}

namespace quittance::app {

struct Clock {
  std::function<std::string()> now;  // UTC instant, "2026-11-21T13:45:07Z"
  std::function<core::Date()> today; // the practice's calendar date
};

// The machine's clock: instants in UTC, the date in the time zone `zone()` names (an IANA name
// from zone/zones.h; the default zone, Paris, when there is none or it is not offered).
Clock system_clock(std::function<std::string()> zone = {});
// The machine's clock with the date in the practice's time zone, the books' setting
// « practice.time_zone » read at each call (a change from another device counts at once).
Clock practice_clock(store::Database& db);
// A clock stuck at `date`, 09:00 UTC: for tests and generators.
Clock fixed_clock(core::Date date);

}  // namespace quittance::app
