// Giving document numbers inside the issuing transaction (rules in core/numbering.h): the next
// number of this device's series for the year, and never a date before the series' last one,
// so numbers stay chronological.
#pragma once
#include <string>

#include "core/date.h"
#include "core/numbering.h"
#include "store/database.h"

namespace quittance::app {

// The next number of `series` (the device's: two devices offline never collide) for the year.
std::string next_document_number(store::Database& db, const std::string& series, core::DocumentKind kind,
                                 core::Date issued_on);
// `on`, or the series' last document's date if that is later: what a document made by a fact
// (not typed by a person) is dated, so that it is never refused for arriving after another.
core::Date date_in_series(store::Database& db, const std::string& series, core::DocumentKind kind, core::Date on);

}  // namespace quittance::app
