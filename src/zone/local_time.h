// Instants (UTC seconds since 1970) as the practice reads them, in its time zone, and back:
// « today », a reminder « one month later », the daily cap's day and the sending window are
// the practice's, not the server's or UTC's. Howard Hinnant's date/tz over the system's tzdata
// (Debian's zoneinfo; in the browser, the offered zones embedded in the wasm build).
// A zone name outside zones.h's list reads as the default zone. A zone whose data is missing
// (tzdata not installed) throws std::runtime_error: an installation fault, not an input.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/schedule.h"

namespace quittance::zone {

struct LocalTime {
  core::Date date;
  int hour = 0;    // 0..23
  int minute = 0;  // 0..59
  int second = 0;  // 0..59
};

LocalTime local_time(std::int64_t instant, std::string_view zone);
core::Date local_date(std::int64_t instant, std::string_view zone);
// The instant a wall clock in the zone shows `t`. A time the clocks skip (spring forward: 02:30
// in Paris on the last Sunday of March) is read with the offset before the gap, so lands as far
// past the gap (03:30); a time they show twice (autumn) is its first occurrence.
std::int64_t to_instant(const LocalTime& t, std::string_view zone);
// Local midnight starting the day of `instant`, and the next one (23, 24 or 25 hours later).
std::int64_t day_start(std::int64_t instant, std::string_view zone);
std::int64_t next_day_start(std::int64_t instant, std::string_view zone);
// `amount` hours (elapsed time), days or calendar months (the local time of day kept, across a
// DST change; 31 January + 1 month = end of February) after `instant`.
std::int64_t schedule_at(std::int64_t instant, int amount, core::DelayUnit unit, std::string_view zone);
// `instant` if the local time is within [from_hour, to_hour), else the next from_hour:00 local.
std::int64_t within_hours(std::int64_t instant, int from_hour, int to_hour, std::string_view zone);

// "2026-12-11T10:00:00Z" → « 11 décembre 2026 à 11:00 » in Paris, as a letter says it; "" if
// the instant is unreadable.
std::string date_time_fr(std::string_view utc_instant, std::string_view zone);

}  // namespace quittance::zone
