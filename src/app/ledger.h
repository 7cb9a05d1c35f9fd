// The patient account's money movements, shared by the payment, credit-note, refund and
// invoice commands. Balances are derived from allocations and refunds; the cached columns
// (invoices.settled/status, payments.used, credit_notes.used) are recomputed from them after
// every movement, and the property tests check they never drift.
//
//   a payment or credit note is a *source*; its available credit = total − used,
//   used = Σ active allocations from it + Σ refund parts drawn on it.
//   an invoice's due = total − settled, settled = Σ active allocations to it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "store/database.h"

namespace quittance::app::ledger {

enum class SourceKind { Payment, CreditNote };
const char* to_string(SourceKind k);  // "payment", "credit_note"

struct Invoice {
  std::string id, patient_id, state, currency, issued_on;
  std::int64_t total = 0, settled = 0;
  std::int64_t due() const { return state == "issued" ? total - settled : 0; }
};

struct Source {
  SourceKind kind = SourceKind::Payment;
  std::string id, patient_id, currency, date;
  std::int64_t total = 0, used = 0;
  bool deleted = false;
  std::int64_t available() const { return deleted ? 0 : total - used; }
};

void require_patient(store::Database& db, const std::string& patient_id);
// The record a patient id stands for now: itself, or the record it was merged into (followed
// to the end: patient.merge). A fact the server writes names the patient as it knew them when
// the payment began, perhaps before a device merged that record. An unknown id is returned as is.
std::string current_record(store::Database& db, const std::string& patient_id);
Invoice require_invoice(store::Database& db, const std::string& invoice_id);
Source require_source(store::Database& db, SourceKind kind, const std::string& id);
std::string practice_currency(store::Database& db);

// Puts `amount` of a source against an invoice, refusing what would overpay the invoice,
// overdraw the source, mix patients or currencies, or touch a draft or cancelled invoice.
void allocate(store::Database& db, const std::string& invoice_id, const Source& source, std::int64_t amount,
              const std::string& command_id);
// Reverses a source's allocations, newest first, until `amount` is freed (the last one may be
// split: reversed, and re-made for the part that stays). Returns what was freed.
std::int64_t release_from_source(store::Database& db, const Source& source, std::int64_t amount,
                                 const std::string& command_id);
// Reverses every active allocation of `kind` on an invoice (cancellation); returns the sum.
std::int64_t release_invoice(store::Database& db, const std::string& invoice_id, SourceKind kind);

// What refunds have drawn on a source so far.
std::int64_t refunded_from(store::Database& db, SourceKind kind, const std::string& id);

// Recompute the cached columns from allocations and refunds.
void refresh_invoice(store::Database& db, const std::string& invoice_id);
// Records something sync resolved on its own that a person should look at (review_flags):
// `kind` "surplus_credit" is money meant for `invoice_id` that stayed as credit.
void flag_for_review(store::Database& db, const std::string& command_id, const std::string& kind,
                     const std::string& invoice_id, std::int64_t amount);
void refresh_source(store::Database& db, SourceKind kind, const std::string& id);

// The patient's available sources, oldest first: payments, then credit notes if asked.
std::vector<Source> available_sources(store::Database& db, const std::string& patient_id, bool with_credit_notes);

struct Balance {
  std::int64_t invoiced = 0;       // Σ issued and cancelled invoices' totals
  std::int64_t credited = 0;       // Σ credit notes' totals
  std::int64_t paid = 0;           // Σ payments (not deleted)
  std::int64_t refunded = 0;       // Σ refunds
  std::int64_t due = 0;            // Σ invoices' amounts due
  std::int64_t credit = 0;         // available account credit
  std::int64_t balance() const { return due - credit; }  // > 0: the patient owes
};
Balance patient_balance(store::Database& db, const std::string& patient_id);
// The payments' part of the account credit (their unallocated rest, less refunds): what
// invoice.pay_from_account takes. A credit note's rest is applied as the credit note.
std::int64_t payments_credit(store::Database& db, const std::string& patient_id);

}  // namespace quittance::app::ledger
