// Clocks. See clock.h.
#include "app/clock.h"

#include <chrono>
#include <ctime>

namespace quittance::app {

namespace {
std::tm now_tm(bool local) {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  if (local) {
    localtime_r(&t, &tm);
  } else {
    gmtime_r(&t, &tm);
  }
  return tm;
}
}  // namespace

Clock system_clock() {
  return Clock{
      [] {
        std::tm tm = now_tm(false);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return std::string(buf);
      },
      [] {
        // The calendar date where the practice is (in the browser, the device's time zone):
        // a payment taken at 00:30 in Paris is dated today, not yesterday in UTC.
        std::tm tm = now_tm(true);
        return core::Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
      },
  };
}

Clock fixed_clock(core::Date date) {
  return Clock{[date] { return core::format_iso(date) + "T09:00:00Z"; }, [date] { return date; }};
}

}  // namespace quittance::app
