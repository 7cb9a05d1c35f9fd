// Invoice status derivation, roles and document numbering.
#include <doctest/doctest.h>

#include "core/invoice_status.h"
#include "core/numbering.h"
#include "core/roles.h"

using namespace quittance::core;

TEST_CASE("an invoice's status follows its state and what is settled") {
  CHECK(derive_status(InvoiceState::Draft, 5000, 0) == InvoiceStatus::Draft);
  CHECK(derive_status(InvoiceState::Issued, 5000, 0) == InvoiceStatus::Due);
  CHECK(derive_status(InvoiceState::Issued, 5000, 1) == InvoiceStatus::PartlyPaid);
  CHECK(derive_status(InvoiceState::Issued, 5000, 4999) == InvoiceStatus::PartlyPaid);
  CHECK(derive_status(InvoiceState::Issued, 5000, 5000) == InvoiceStatus::Paid);
  CHECK(derive_status(InvoiceState::Issued, 0, 0) == InvoiceStatus::Paid);
  CHECK(derive_status(InvoiceState::Cancelled, 5000, 5000) == InvoiceStatus::Cancelled);
  for (auto s : {InvoiceStatus::Draft, InvoiceStatus::Due, InvoiceStatus::PartlyPaid, InvoiceStatus::Paid,
                 InvoiceStatus::Cancelled}) {
    CHECK(invoice_status_from_string(to_string(s)) == s);
  }
  CHECK_FALSE(invoice_status_from_string("unpaid").has_value());
}

TEST_CASE("the permission table") {
  using P = Permission;
  for (P p : {P::View, P::PersonalPrefs, P::ManageSettings, P::ManagePatients, P::WriteInvoices, P::TakePayments, P::Refund}) {
    CHECK(allowed(Role::Owner, p));
  }
  CHECK_FALSE(allowed(Role::Billing, P::ManageSettings));
  CHECK(allowed(Role::Billing, P::Refund));
  CHECK(allowed(Role::Practitioner, P::WriteInvoices));
  CHECK_FALSE(allowed(Role::Practitioner, P::TakePayments));
  CHECK_FALSE(allowed(Role::Practitioner, P::Refund));
  CHECK(allowed(Role::ReadOnly, P::View));
  CHECK_FALSE(allowed(Role::ReadOnly, P::ManagePatients));
  CHECK(role_from_string("billing") == Role::Billing);
  CHECK_FALSE(role_from_string("admin").has_value());
}

TEST_CASE("document numbers carry kind, year, device series and six digits") {
  CHECK(format_document_number(DocumentKind::Invoice, 2026, "A", 123) == "F-2026-A-000123");
  CHECK(format_document_number(DocumentKind::CreditNote, 2027, "B", 7) == "AV-2027-B-000007");
  CHECK(format_document_number(DocumentKind::Invoice, 2026, "AB", 1234567) == "F-2026-AB-1234567");
  CHECK(valid_series_code("A"));
  CHECK(valid_series_code("ABC"));
  CHECK_FALSE(valid_series_code(""));
  CHECK_FALSE(valid_series_code("ABCD"));
  CHECK_FALSE(valid_series_code("a"));
  CHECK_FALSE(valid_series_code("A1"));
}
