// Aged receivables buckets. See aging.h.
#include "core/aging.h"

namespace quittance::core {

AgeBucket age_bucket(const Date& issued, const Date& as_of) {
  const int age = days_between(issued, as_of);
  if (age <= 30) return AgeBucket::Days0to30;  // includes a negative age (future issue date)
  if (age <= 60) return AgeBucket::Days31to60;
  if (age <= 90) return AgeBucket::Days61to90;
  return AgeBucket::Over90;
}

const char* to_string(AgeBucket bucket) {
  switch (bucket) {
    case AgeBucket::Days0to30: return "0-30";
    case AgeBucket::Days31to60: return "31-60";
    case AgeBucket::Days61to90: return "61-90";
    case AgeBucket::Over90: return "90+";
  }
  return "unknown";
}

}  // namespace quittance::core
