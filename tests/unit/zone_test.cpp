// The practice's time zone (zone/): DST in Paris both ways, La Réunion and Nouméa's fixed
// offsets, local midnights, delays that keep the time of day, the sending window.
#include <doctest/doctest.h>

#include "core/schedule.h"
#include "zone/local_time.h"
#include "zone/zones.h"

using namespace quittance;

namespace {
std::int64_t at(const char* utc) { return *core::parse_utc_instant(utc); }
std::string utc(std::int64_t t) { return core::format_utc_instant(t); }
std::string local(std::int64_t t, const char* zone) {
  const zone::LocalTime l = zone::local_time(t, zone);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s %02d:%02d:%02d", core::format_iso(l.date).c_str(), l.hour, l.minute, l.second);
  return buf;
}
}  // namespace

TEST_CASE("zone: every offered zone is in the zoneinfo, the default first") {
  CHECK(std::string(zone::offered().front().id) == zone::kDefault);
  for (const zone::Offered& z : zone::offered()) {
    CAPTURE(z.id);
    CHECK(zone::is_offered(z.id));
    CHECK_NOTHROW(zone::local_time(0, z.id));
  }
  CHECK_FALSE(zone::is_offered("Mars/Olympus_Mons"));
  CHECK_FALSE(zone::is_offered("UTC"));
  CHECK(std::string(zone::offered_or_default("Mars/Olympus_Mons")) == "Europe/Paris");
}

TEST_CASE("zone: Paris in winter is UTC+1, in summer UTC+2, and the date turns at local midnight") {
  CHECK(local(at("2026-01-15T12:00:00Z"), "Europe/Paris") == "2026-01-15 13:00:00");
  CHECK(local(at("2026-07-15T12:00:00Z"), "Europe/Paris") == "2026-07-15 14:00:00");
  // 23:30 UTC on 31 December is already New Year's Day in Paris.
  CHECK(core::format_iso(zone::local_date(at("2026-12-31T23:30:00Z"), "Europe/Paris")) == "2027-01-01");
  // An unknown name reads as Paris, never as UTC.
  CHECK(local(at("2026-01-15T12:00:00Z"), "Nowhere/Atall") == "2026-01-15 13:00:00");
}

TEST_CASE("zone: the spring and autumn changes in Paris") {
  // 29 March 2026: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
  CHECK(local(at("2026-03-29T00:59:59Z"), "Europe/Paris") == "2026-03-29 01:59:59");
  CHECK(local(at("2026-03-29T01:00:00Z"), "Europe/Paris") == "2026-03-29 03:00:00");
  // The day of the change has 23 hours; its midnight is still UTC+1.
  CHECK(utc(zone::day_start(at("2026-03-29T12:00:00Z"), "Europe/Paris")) == "2026-03-28T23:00:00Z");
  CHECK(zone::next_day_start(at("2026-03-29T12:00:00Z"), "Europe/Paris") -
            zone::day_start(at("2026-03-29T12:00:00Z"), "Europe/Paris") == 23 * 3600);
  // 02:30 does not exist that day: it lands as far past the gap.
  CHECK(utc(zone::to_instant({{2026, 3, 29}, 2, 30}, "Europe/Paris")) == "2026-03-29T01:30:00Z");
  // 25 October 2026: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice, the first is taken.
  CHECK(utc(zone::to_instant({{2026, 10, 25}, 2, 30}, "Europe/Paris")) == "2026-10-25T00:30:00Z");
  CHECK(zone::next_day_start(at("2026-10-25T12:00:00Z"), "Europe/Paris") -
            zone::day_start(at("2026-10-25T12:00:00Z"), "Europe/Paris") == 25 * 3600);
}

TEST_CASE("zone: La Réunion (UTC+4) and Nouméa (UTC+11) have no DST") {
  CHECK(local(at("2026-01-15T12:00:00Z"), "Indian/Reunion") == "2026-01-15 16:00:00");
  CHECK(local(at("2026-07-15T12:00:00Z"), "Indian/Reunion") == "2026-07-15 16:00:00");
  CHECK(local(at("2026-07-15T12:00:00Z"), "Pacific/Noumea") == "2026-07-15 23:00:00");
  // 14:00 UTC is already tomorrow in Nouméa.
  CHECK(core::format_iso(zone::local_date(at("2026-07-15T14:00:00Z"), "Pacific/Noumea")) == "2026-07-16");
  CHECK(utc(zone::day_start(at("2026-07-15T14:00:00Z"), "Pacific/Noumea")) == "2026-07-15T13:00:00Z");
  // Tahiti is behind: UTC-10.
  CHECK(local(at("2026-07-15T08:00:00Z"), "Pacific/Tahiti") == "2026-07-14 22:00:00");
}

TEST_CASE("zone: delays in days and months keep the local time of day across DST; hours are elapsed time") {
  const std::int64_t issued = at("2026-03-20T09:00:00Z");  // 10:00 in Paris, winter time
  CHECK(utc(zone::schedule_at(issued, 15, core::DelayUnit::days, "Europe/Paris")) == "2026-04-04T08:00:00Z");
  CHECK(local(zone::schedule_at(issued, 15, core::DelayUnit::days, "Europe/Paris"), "Europe/Paris") ==
        "2026-04-04 10:00:00");
  CHECK(utc(zone::schedule_at(issued, 1, core::DelayUnit::months, "Europe/Paris")) == "2026-04-20T08:00:00Z");
  CHECK(utc(zone::schedule_at(issued, 48, core::DelayUnit::hours, "Europe/Paris")) == "2026-03-22T09:00:00Z");
  // A month after 31 January is the end of February, on the practice's calendar: issued at
  // 00:30 on 1 February in Nouméa (13:30 UTC on 31 January), due 1 March there.
  const std::int64_t noumea = at("2026-01-31T13:30:00Z");
  CHECK(local(zone::schedule_at(noumea, 1, core::DelayUnit::months, "Pacific/Noumea"), "Pacific/Noumea") ==
        "2026-03-01 00:30:00");
}

TEST_CASE("zone: the sending window, 08:00 to 20:00 local") {
  // 06:00 UTC is 07:00 in Paris in winter: wait for 08:00 local, 07:00 UTC.
  CHECK(utc(zone::within_hours(at("2026-12-07T06:00:00Z"), 8, 20, "Europe/Paris")) == "2026-12-07T07:00:00Z");
  // 10:00 UTC: within the window, unchanged.
  CHECK(utc(zone::within_hours(at("2026-12-07T10:00:00Z"), 8, 20, "Europe/Paris")) == "2026-12-07T10:00:00Z");
  // 19:30 UTC is 20:30 in Paris: the next morning.
  CHECK(utc(zone::within_hours(at("2026-12-07T19:30:00Z"), 8, 20, "Europe/Paris")) == "2026-12-08T07:00:00Z");
  // 10:00 UTC is 21:00 in Nouméa: 08:00 the next day there, 21:00 UTC.
  CHECK(utc(zone::within_hours(at("2026-12-07T10:00:00Z"), 8, 20, "Pacific/Noumea")) == "2026-12-07T21:00:00Z");
  // The morning after the spring change: 08:00 CEST is 06:00 UTC.
  CHECK(utc(zone::within_hours(at("2026-03-28T20:00:00Z"), 8, 20, "Europe/Paris")) == "2026-03-29T06:00:00Z");
}

TEST_CASE("zone: dates as a French reader reads them") {
  CHECK(zone::date_time_fr("2026-12-11T10:00:00Z", "Europe/Paris") == "11 décembre 2026 à 11:00");
  CHECK(zone::date_time_fr("2026-12-11T22:30:00Z", "Indian/Reunion") == "12 décembre 2026 à 02:30");
  CHECK(zone::date_time_fr("soon", "Europe/Paris").empty());
  CHECK(core::format_long_fr({2026, 12, 12}) == "12 décembre 2026");
  CHECK(core::format_long_fr({2026, 8, 1}) == "1er août 2026");
}
