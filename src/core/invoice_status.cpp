// Invoice status derivation. See invoice_status.h.
#include "core/invoice_status.h"

namespace quittance::core {

InvoiceStatus derive_status(InvoiceState state, std::int64_t total, std::int64_t settled) {
  switch (state) {
    case InvoiceState::Draft: return InvoiceStatus::Draft;
    case InvoiceState::Cancelled: return InvoiceStatus::Cancelled;
    case InvoiceState::Issued: break;
  }
  if (settled >= total) return InvoiceStatus::Paid;  // includes a zero-total invoice
  if (settled > 0) return InvoiceStatus::PartlyPaid;
  return InvoiceStatus::Due;
}

const char* to_string(InvoiceStatus s) {
  switch (s) {
    case InvoiceStatus::Draft: return "draft";
    case InvoiceStatus::Due: return "due";
    case InvoiceStatus::PartlyPaid: return "partly_paid";
    case InvoiceStatus::Paid: return "paid";
    case InvoiceStatus::Cancelled: return "cancelled";
  }
  return "unknown";
}

std::optional<InvoiceStatus> invoice_status_from_string(std::string_view s) {
  for (InvoiceStatus v : {InvoiceStatus::Draft, InvoiceStatus::Due, InvoiceStatus::PartlyPaid, InvoiceStatus::Paid,
                          InvoiceStatus::Cancelled}) {
    if (s == to_string(v)) return v;
  }
  return std::nullopt;
}

const char* to_string(InvoiceState s) {
  switch (s) {
    case InvoiceState::Draft: return "draft";
    case InvoiceState::Issued: return "issued";
    case InvoiceState::Cancelled: return "cancelled";
  }
  return "unknown";
}

}  // namespace quittance::core
