// When a templated email is due (seed 001): N hours, days or calendar months after the invoice
// was issued. Instants are UTC seconds since 1970; months are calendar months on the UTC date,
// the time of day kept (31 January + 1 month = 28 or 29 February).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace quittance::core {

enum class DelayUnit { hours, days, months };

std::optional<DelayUnit> delay_unit_from_string(std::string_view s);  // "hours", "days", "months"
const char* to_string(DelayUnit u);

// "2026-11-21T13:45:07Z" exactly (what app::Clock::now gives); nullopt otherwise.
std::optional<std::int64_t> parse_utc_instant(std::string_view text);
std::string format_utc_instant(std::int64_t unix_seconds);

// The largest delay a template may ask for: past it, a reminder is no longer a reminder.
constexpr int kMaxDelay[] = {24 * 365, 3 * 365, 36};  // hours, days, months

std::int64_t schedule_at(std::int64_t issued_at, int amount, DelayUnit unit);

}  // namespace quittance::core
