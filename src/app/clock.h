// Time as the command layer sees it: injected, so tests and the randomized property runs are
// deterministic, and so the core itself never reads a clock.
#pragma once
#include <functional>
#include <string>

#include "core/date.h"

namespace quittance::app {

struct Clock {
  std::function<std::string()> now;  // UTC instant, "2026-11-21T13:45:07Z"
  std::function<core::Date()> today; // the practice's calendar date
};

// The machine's clock: instants in UTC, the date in the local time zone.
Clock system_clock();
// A clock stuck at `date`, 09:00 UTC: for tests and generators.
Clock fixed_clock(core::Date date);

}  // namespace quittance::app
