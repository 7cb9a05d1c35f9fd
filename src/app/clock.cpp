// Clocks. See clock.h.
#include "app/clock.h"

#include <chrono>
#include <ctime>

namespace quittance::app {

namespace {
std::tm utc_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}
}  // namespace

Clock system_clock() {
  return Clock{
      [] {
        std::tm tm = utc_now();
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return std::string(buf);
      },
      [] {
        std::tm tm = utc_now();
        return core::Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
      },
  };
}

Clock fixed_clock(core::Date date) {
  return Clock{[date] { return core::format_iso(date) + "T09:00:00Z"; }, [date] { return date; }};
}

}  // namespace quittance::app
