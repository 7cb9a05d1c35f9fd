// Document lines (invoices and credit notes): read from a command, computed by the core's
// rounding rule, stored with everything copied (label, price, tax rate) so later catalogue
// edits never change an issued document.
//
// A line in a command: {"service_id"?, "label"?, "service_date"? (default today),
//   "quantity"? (integer or "1,5"; default 1), "unit_price"? (cents; default the service's),
//   "discount_percent"? ("10" or "12,5"), "discount_amount"? (cents), "tax_rate_id"? (default the
//   service's, else "exempt")}
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/registry.h"
#include "core/invoice_math.h"

namespace quittance::app {

struct Line {
  std::optional<std::string> service_id;
  std::string label, service_date, tax_name;
  core::LineInput input;
  core::LineAmounts amounts;
};

// Refuses (naming "lines[i].field") a malformed line or an empty list.
std::vector<Line> read_lines(Context& ctx, const Json& lines);
core::DocumentTotals totals_of(const std::vector<Line>& lines);
// `table` is "invoice_lines" or "credit_note_lines", `owner_column` its document id column.
void store_lines(store::Database& db, const char* table, const char* owner_column, const std::string& owner_id,
                 const std::vector<Line>& lines);
Json lines_json(store::Database& db, const char* table, const char* owner_column, const std::string& owner_id);
// The stored lines of a document, as Line values (to copy an invoice into its cancelling credit note).
std::vector<Line> load_lines(store::Database& db, const char* table, const char* owner_column, const std::string& owner_id);

}  // namespace quittance::app
