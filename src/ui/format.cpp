// Display formats. See format.h.
#include "ui/format.h"

#include <cstdio>

#include "app/clock.h"
#include "core/date.h"
#include "core/money.h"
#include "core/schedule.h"
#include "ui/i18n.h"
#include "zone/local_time.h"
#include "zone/zones.h"

namespace quittance::ui {

namespace {
core::Currency g_currency = core::euro();
std::string g_time_zone = zone::kDefault;

std::string formatted(const core::Money& m) { return language() == "en" ? core::format_en(m) : core::format_fr(m); }
}  // namespace

void set_currency(const core::Currency& currency) { g_currency = currency; }
const core::Currency& currency() { return g_currency; }

std::string money(std::int64_t minor) { return formatted(core::Money{minor, g_currency}); }

std::string money(std::int64_t minor, const std::string& code) {
  return formatted(core::Money{minor, core::currency_from_code(code).value_or(g_currency)});
}

std::string whole_number(std::int64_t n) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  const char* separator = language() == "en" ? "," : "\u202F";
  std::string out = n < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += separator;
    out += digits[i];
  }
  return out;
}

std::string decimal_text(std::int64_t value, std::int64_t unit, char point) {
  std::string out = std::to_string(value / unit);
  std::string decimals = std::to_string(unit + value % unit).substr(1);
  while (!decimals.empty() && decimals.back() == '0') decimals.pop_back();
  return decimals.empty() ? out : out + point + decimals;
}

std::string fill(std::string text, std::initializer_list<std::pair<const char*, std::string>> values) {
  for (const auto& [name, value] : values) {
    const std::string mark = std::string("{") + name + "}";
    for (std::size_t at = text.find(mark); at != std::string::npos; at = text.find(mark, at + value.size())) {
      text.replace(at, mark.size(), value);
    }
  }
  return text;
}

std::optional<std::int64_t> parse_money(const std::string& text) {
  auto r = core::parse_amount(text, g_currency);
  if (!r.ok()) return std::nullopt;
  return r.value->minor;
}

std::string date(const std::string& iso) {
  auto d = core::parse_iso_date(iso);
  if (!d) return iso;
  return language() == "en" ? core::format_iso(*d) : core::format_fr(*d);
}

void set_time_zone(const std::string& zone) { g_time_zone = zone::offered_or_default(zone); }

const std::string& time_zone() { return g_time_zone; }

std::string date_time(const std::string& utc) {
  const std::optional<std::int64_t> t = core::parse_utc_instant(utc);
  if (!t) return utc;
  const zone::LocalTime local = zone::local_time(*t, g_time_zone);
  char hm[8];
  std::snprintf(hm, sizeof hm, "%02d:%02d", local.hour, local.minute);
  return (language() == "en" ? core::format_iso(local.date) : core::format_fr(local.date)) + " " + hm;
}

std::string local_day(const std::string& utc) {
  const std::optional<std::int64_t> t = core::parse_utc_instant(utc);
  if (!t) return utc.substr(0, 10);
  return core::format_iso(zone::local_date(*t, g_time_zone));
}

core::Date today() { return app::system_clock([] { return g_time_zone; }).today(); }

zone::LocalTime local_now() {
  const std::optional<std::int64_t> now = core::parse_utc_instant(app::system_clock().now());
  return zone::local_time(now.value_or(0), g_time_zone);
}

std::string today_iso() { return core::format_iso(today()); }

std::string today_input() { return date(today_iso()); }

std::optional<std::string> input_date_to_iso(const std::string& text) {
  if (auto d = core::parse_fr_date(text)) return core::format_iso(*d);
  if (auto d = core::parse_iso_date(text)) return core::format_iso(*d);
  return std::nullopt;
}

std::string input_amount(std::int64_t minor) { return core::decimal_comma(minor, g_currency.minor_digits); }

}  // namespace quittance::ui
