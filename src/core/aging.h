// Aged receivables: which age bucket an unpaid invoice falls in on a given day, for the
// "0-30 / 31-60 / 61-90 / 90+" report accountants expect.
#pragma once
#include "core/date.h"

namespace quittance::core {

enum class AgeBucket { Days0to30, Days31to60, Days61to90, Over90 };

// Age in days from `issued` to `as_of`: 0..30, 31..60, 61..90, then 91 and over. An issue date
// after `as_of` (dated ahead, or a report run for a past day) counts as 0-30, not as an error.
AgeBucket age_bucket(const Date& issued, const Date& as_of);

// "0-30", "31-60", "61-90", "90+": stable keys for reports and exports.
const char* to_string(AgeBucket bucket);

}  // namespace quittance::core
