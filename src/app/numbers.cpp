// Document numbers. See numbers.h.
#include "app/numbers.h"

#include "app/command_error.h"
#include "app/settings_keys.h"

namespace quittance::app {

std::string next_document_number(store::Database& db, const std::string& series, core::DocumentKind kind,
                                 core::Date issued_on) {
  const std::string kind_name = core::prefix_of(kind);
  const std::string date = core::format_iso(issued_on);
  std::int64_t last = 0;
  auto st = db.prepare("SELECT last_number, last_date FROM series_counters WHERE kind = ?1 AND year = ?2 AND series = ?3");
  st.bind(1, kind_name).bind(2, static_cast<std::int64_t>(issued_on.year)).bind(3, series);
  if (st.step()) {
    last = st.column_int64(0);
    if (date < st.column_text(1)) {
      refuse("date_before_last_number", "the series' last document is dated " + st.column_text(1) +
                                            ": numbers must follow the calendar", "issued_on");
    }
  }
  auto up = db.prepare(
      "INSERT INTO series_counters(kind, year, series, last_number, last_date) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT(kind, year, series) DO UPDATE SET last_number = excluded.last_number, last_date = excluded.last_date");
  up.bind(1, kind_name).bind(2, static_cast<std::int64_t>(issued_on.year)).bind(3, series).bind(4, last + 1).bind(5, date);
  up.step();
  return core::format_document_number(kind, issued_on.year, series, last + 1);
}

core::Date date_in_series(store::Database& db, const std::string& series, core::DocumentKind kind, core::Date on) {
  auto st = db.prepare(
      "SELECT last_date FROM series_counters WHERE kind = ?1 AND series = ?2 ORDER BY last_date DESC LIMIT 1");
  st.bind(1, std::string(core::prefix_of(kind))).bind(2, series);
  if (!st.step()) return on;
  const std::optional<core::Date> last = core::parse_iso_date(st.column_text(0));
  return last && core::format_iso(*last) > core::format_iso(on) ? *last : on;
}

}  // namespace quittance::app
