// Processing fees: lookup, fee on a charge, gross-up. See fees.h.
#include "core/fees.h"

#include <limits>

namespace quittance::core {

namespace {
constexpr std::int64_t kBasis = 10000;  // basis points in 100 %
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
}  // namespace

std::optional<FeeSchedule> fee_schedule_for(std::string_view method) {
  for (const auto& s : kFeeSchedules) {
    if (s.method == method) return s;
  }
  return std::nullopt;
}

bool is_valid(const FeeSchedule& schedule) {
  return schedule.rate_bp >= 0 && schedule.rate_bp < kBasis && schedule.fixed_minor >= 0;
}

std::int64_t fee_for(std::int64_t amount_minor, const FeeSchedule& schedule) {
  if (amount_minor <= 0) return 0;
  const std::int64_t rate = schedule.rate_bp < 0 ? 0 : schedule.rate_bp > kBasis ? kBasis : schedule.rate_bp;
  const std::int64_t fixed = schedule.fixed_minor < 0 ? 0 : schedule.fixed_minor;
  // amount * rate / 10000 without forming amount * rate, which overflows for large amounts:
  // split amount = q * 10000 + r. The result is at most amount, so it cannot overflow.
  const std::int64_t q = amount_minor / kBasis, r = amount_minor % kBasis;
  const std::int64_t proportional = q * rate + (r * rate + kBasis / 2) / kBasis;  // half-up
  return fixed > kMax - proportional ? kMax : proportional + fixed;
}

std::optional<std::int64_t> gross_up(std::int64_t amount_minor, const FeeSchedule& schedule) {
  if (amount_minor < 0 || !is_valid(schedule)) return std::nullopt;
  if (amount_minor > kMax - schedule.fixed_minor) return std::nullopt;
  const std::int64_t base = amount_minor + schedule.fixed_minor;
  if (base > kMax / kBasis) return std::nullopt;
  const std::int64_t numerator = base * kBasis, denominator = kBasis - schedule.rate_bp;
  // Rounded up without adding denominator - 1 first, which could overflow.
  return numerator / denominator + (numerator % denominator != 0 ? 1 : 0);
}

}  // namespace quittance::core
