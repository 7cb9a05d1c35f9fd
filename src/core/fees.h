// Card and direct-debit processing fees, as data, and the two computations a practice needs:
// what the processor keeps from a charge (fee_for), and what to charge so that a given amount
// is left after fees (gross_up). Rates are basis points and fixed parts minor units of the
// invoice's currency, so all of this is integer arithmetic.
//
// Passing fees on to the patient is opt-in. In the EU, PSD2 (Directive 2015/2366, art. 62(4))
// forbids surcharging consumer payments by card, and patients are consumers: that is why the
// app absorbs fees by default and gross_up is only for where surcharging is lawful.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace quittance::core {

struct FeeSchedule {
  std::string_view method;    // payment method id, e.g. "card", "sepa_debit"
  int rate_bp;                // proportional part in basis points: 290 = 2.9 %
  std::int64_t fixed_minor;   // fixed part per charge, in minor units of the invoice currency
};

// Seed 002, Carepatron's Stripe table. It is the same in every region it lists (US, UK, EU,
// AU) and elsewhere, so the method alone selects the schedule.
inline constexpr std::array<FeeSchedule, 6> kFeeSchedules = {{
    {"card", 290, 30},        // cards: 2.9 % + 30
    {"wallet", 290, 30},      // Apple Pay, Google Pay: priced as cards
    {"ach_debit", 190, 50},   // direct debits: 1.9 % + 50
    {"bacs_debit", 190, 50},
    {"sepa_debit", 190, 50},
    {"becs_debit", 190, 50},
}};

// The schedule for a method id; nullopt for a method we have no price for.
std::optional<FeeSchedule> fee_schedule_for(std::string_view method);

// rate_bp in [0, 9999] and a non-negative fixed part.
bool is_valid(const FeeSchedule& schedule);

// The fee the processor takes on a charge of `amount_minor`: the proportional part rounded
// half-up to the minor unit, plus the fixed part. No charge (amount <= 0) means no fee. It
// never fails: an out-of-range rate is clamped to [0, 10000] bp, a negative fixed part to 0,
// and the sum saturates at INT64_MAX (neither happens with the table above).
std::int64_t fee_for(std::int64_t amount_minor, const FeeSchedule& schedule);

// The charge that leaves at least `amount_minor` after fees, when the practice passes fees on:
// ceil((amount + fixed) * 10000 / (10000 - rate_bp)), i.e. (amount + fixed) / (1 - rate)
// rounded up, in integers. nullopt for a negative amount, an invalid schedule or an overflow.
// The formula is minimal for an exact fee, but fee_for rounds to the nearest minor unit, so:
// c = gross_up(a) always leaves a or a + 1 after fee_for, and c - 1 never leaves more than a;
// for about half of all amounts c - 1 leaves exactly a, i.e. c is one minor unit above the
// smallest sufficient charge. Proof and exact counts in fees_test.cpp.
std::optional<std::int64_t> gross_up(std::int64_t amount_minor, const FeeSchedule& schedule);

}  // namespace quittance::core
