// Local times through date/tz. See local_time.h.
#include "zone/local_time.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <date/tz.h>

#include "zone/zones.h"

namespace quittance::zone {

namespace {

using std::chrono::seconds;

const date::time_zone* tz_of(std::string_view zone) {
  try {
    return date::locate_zone(offered_or_default(zone));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("time zone data missing for ") + offered_or_default(zone) + ": " + e.what());
  }
}

date::local_seconds to_local_seconds(const LocalTime& t) {
  const date::local_days day{date::year{t.date.year} / t.date.month / t.date.day};
  return day + std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} + seconds{t.second};
}

LocalTime from_local_seconds(date::local_seconds ls) {
  const date::local_days day = date::floor<date::days>(ls);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<seconds> hms{ls - day};
  return LocalTime{core::Date{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                              static_cast<int>(static_cast<unsigned>(ymd.day()))},
                   static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                   static_cast<int>(hms.seconds().count())};
}

std::int64_t instant_of(const date::time_zone* tz, date::local_seconds ls) {
  const date::local_info info = tz->get_info(ls);
  // unique, ambiguous (first occurrence) and nonexistent (offset before the gap) all take `first`.
  return (ls - info.first.offset).time_since_epoch().count();
}

}  // namespace

LocalTime local_time(std::int64_t instant, std::string_view zone) {
  return from_local_seconds(tz_of(zone)->to_local(date::sys_seconds{seconds{instant}}));
}

core::Date local_date(std::int64_t instant, std::string_view zone) { return local_time(instant, zone).date; }

std::int64_t to_instant(const LocalTime& t, std::string_view zone) { return instant_of(tz_of(zone), to_local_seconds(t)); }

std::int64_t day_start(std::int64_t instant, std::string_view zone) {
  return to_instant(LocalTime{local_date(instant, zone)}, zone);
}

std::int64_t next_day_start(std::int64_t instant, std::string_view zone) {
  return to_instant(LocalTime{core::add_days(local_date(instant, zone), 1)}, zone);
}

std::int64_t schedule_at(std::int64_t instant, int amount, core::DelayUnit unit, std::string_view zone) {
  if (unit == core::DelayUnit::hours) return instant + std::int64_t{amount} * 3600;
  LocalTime t = local_time(instant, zone);
  t.date = unit == core::DelayUnit::days ? core::add_days(t.date, amount) : core::add_months(t.date, amount);
  return to_instant(t, zone);
}

std::int64_t within_hours(std::int64_t instant, int from_hour, int to_hour, std::string_view zone) {
  const LocalTime t = local_time(instant, zone);
  if (t.hour >= from_hour && t.hour < to_hour) return instant;
  const core::Date day = t.hour < from_hour ? t.date : core::add_days(t.date, 1);
  return to_instant(LocalTime{day, from_hour}, zone);
}

std::string date_time_fr(std::string_view utc_instant, std::string_view zone) {
  const std::optional<std::int64_t> at = core::parse_utc_instant(utc_instant);
  if (!at) return "";
  const LocalTime t = local_time(*at, zone);
  char hm[8];
  std::snprintf(hm, sizeof hm, "%02d:%02d", t.hour, t.minute);
  return core::format_long_fr(t.date) + " à " + hm;
}

}  // namespace quittance::zone
