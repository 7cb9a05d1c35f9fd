// Amounts and dates as a French practitioner reads them ("1 234,56 €", "21/11/2026"), or in
// English when the interface is; and amounts read back from what the user typed.
#pragma once
#include <cstdint>
#include <optional>
#include <initializer_list>
#include <string>
#include <utility>

#include "core/date.h"
#include "core/money.h"
#include "zone/local_time.h"

namespace quittance::ui {

// The practice's currency (the setting « practice.currency », which the books refuse to change
// once they hold a document): every amount the interface shows or reads is in it.
void set_currency(const core::Currency& currency);
const core::Currency& currency();
std::string money(std::int64_t minor);               // "1 234,56 €", "5 000 XPF"
// In a document's own currency (ISO code); the practice's when the code is unknown.
std::string money(std::int64_t minor, const std::string& code);
std::string whole_number(std::int64_t n);
// "1,5" from 1500 in thousandths (a quantity), "12,5" from 1250 in hundredths (a percent in
// basis points); no trailing zeros, no decimal point for a whole value.
std::string decimal_text(std::int64_t value, std::int64_t unit, char point = ',');            // "99 941" (narrow no-break spaces) or "99,941"
// `text` with each "{name}" replaced: fill(tr("invoices.count"), {{"n", whole_number(n)}}).
std::string fill(std::string text, std::initializer_list<std::pair<const char*, std::string>> values);
// What the user typed, in the practice's currency: "45", "45,5", "1 234,56 €", "5 000".
std::optional<std::int64_t> parse_money(const std::string& text);
std::string date(const std::string& iso);            // "" stays ""
// The practice's time zone (the setting « practice.time_zone », an IANA name from zone/zones.h):
// every time and « today » the interface shows are the practice's, not the device's.
void set_time_zone(const std::string& zone);
const std::string& time_zone();
// A UTC instant ("2026-11-21T13:45:07Z") in the practice's time zone: "21/11/2026 14:45"; "" stays "".
std::string date_time(const std::string& utc);
// The calendar day (ISO) of a UTC instant where the practice is; the instant's own date if unreadable.
std::string local_day(const std::string& utc);
core::Date today();                                  // the practice's calendar date
zone::LocalTime local_now();                         // the practice's date and time now
std::string today_iso();
std::string today_input();                           // today as a date field shows it (21/11/2026)
// A date as typed in a field: dd/mm/yyyy (or ISO); nullopt when it is not a real date.
std::optional<std::string> input_date_to_iso(const std::string& text);
std::string input_amount(std::int64_t minor);        // "45,00", "5000": what a field is prefilled with

}  // namespace quittance::ui
