// The « livre-journal des recettes » a practitioner in déclaration contrôlée (BNC) keeps: every
// amount received, day by day, with who paid, for which invoices and how; refunds as negative
// lines. Its totals are the dashboard's takings by construction (payments not deleted, less
// refunds, by their own dates): one definition, read by the query (receipts.journal), the CSV
// (export.csv kind "receipts") and the PDF (pdf/receipts_journal_pdf.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/registry.h"

namespace quittance::app {

struct Receipt {
  std::string id;               // the payment's or the refund's
  std::string patient_id;
  std::string date;             // ISO
  std::string patient;          // the patient's name
  std::string payer;            // who the settled invoices are addressed to, when not the patient
  std::string invoices;         // the numbers it settles, « F-…, F-… »
  std::string method;           // the payment type's label
  std::string payment_type_id;
  std::string reference;        // a cheque's number, a transfer's reference
  std::int64_t amount = 0;      // negative for a refund
  bool refund = false;
};

// Every receipt dated from `from` to `to` (ISO, inclusive), in date order, payments of a day
// before its refunds.
std::vector<Receipt> receipts_between(store::Database& db, const std::string& from, const std::string& to);


}  // namespace quittance::app
