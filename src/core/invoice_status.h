// An invoice's status, derived from its state and amounts, never stored as typed-in truth.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace quittance::core {

enum class InvoiceState { Draft, Issued, Cancelled };  // what the document is
enum class InvoiceStatus { Draft, Due, PartlyPaid, Paid, Cancelled };  // what the user sees

// Draft → brouillon; Cancelled → annulée; an issued invoice is « à payer » while nothing is
// settled, « partiellement payée » while something remains, « payée » once due is 0.
InvoiceStatus derive_status(InvoiceState state, std::int64_t total, std::int64_t settled);

const char* to_string(InvoiceStatus s);  // "draft", "due", "partly_paid", "paid", "cancelled"
std::optional<InvoiceStatus> invoice_status_from_string(std::string_view s);
const char* to_string(InvoiceState s);   // "draft", "issued", "cancelled"

}  // namespace quittance::core
