// « Attestation de paiement »: what a patient paid the practice in a calendar year, for their
// mutuelle (psychologists', osteopaths', dieticians' patients claim with it): the money received
// (payments, less refunds) and the acts those payments settled. Drawn by pdf/attestation_pdf.h.
#include <algorithm>
#include <set>

#include "app/args.h"
#include "app/command_error.h"
#include "app/invoice_handlers.h"
#include "app/ledger.h"
#include "app/registry.h"
#include "core/date.h"
#include "core/money.h"

namespace quittance::app {

namespace {

// patient.attestation {patient_id, year}: the year's payments and refunds in date order, the
// acts of the invoices those payments settled, the net total, and the practice as it is today
// (the attestation is made today, signed by the practitioner).
Json patient_attestation(Context& ctx) {
  const std::string patient = require_string(ctx.cmd, "patient_id", 64);
  ledger::require_patient(ctx.db, patient);
  const std::int64_t year = require_int(ctx.cmd, "year", 2000, 2100);
  const std::string from = std::to_string(year) + "-01-01", to = std::to_string(year) + "-12-31";

  auto who = ctx.db.prepare("SELECT name, ltrim(title || ' ' || name), address, birth_date, title FROM patients WHERE id = ?1");
  who.bind(1, patient);
  who.step();
  Json out = {{"year", year},
              {"issued_on", core::format_iso(ctx.clock.today())},
              {"currency", ledger::practice_currency(ctx.db)},
              {"practice", practice_block(ctx.db)},
              {"patient", {{"name", who.column_text(0)}, {"full_name", who.column_text(1)},
                           {"address", who.column_text(2)}, {"birth_date", who.column_text(3)},
                           {"title", who.column_text(4)}}}};

  std::int64_t total = 0;
  Json payments = Json::array();
  std::set<std::string> invoices;
  auto pay = ctx.db.prepare(
      "SELECT p.id, p.paid_on, t.label, p.amount FROM payments p JOIN payment_types t ON t.id = p.payment_type_id "
      "WHERE p.patient_id = ?1 AND p.deleted = 0 AND p.paid_on BETWEEN ?2 AND ?3 ORDER BY p.paid_on, p.rowid");
  pay.bind(1, patient).bind(2, from).bind(3, to);
  while (pay.step()) {
    const std::int64_t amount = pay.column_int64(3);
    if (!core::add_to(total, amount)) refuse("amount_too_large", "the year's payments add up to too much", "year");
    Json numbers = Json::array();
    auto settled = ctx.db.prepare(
        "SELECT DISTINCT i.id, i.number FROM allocations a JOIN invoices i ON i.id = a.invoice_id "
        "WHERE a.source_kind = 'payment' AND a.source_id = ?1 AND a.reversed = 0 ORDER BY i.number");
    settled.bind(1, pay.column_text(0));
    while (settled.step()) {
      invoices.insert(settled.column_text(0));
      numbers.push_back(settled.column_text(1));
    }
    payments.push_back({{"date", pay.column_text(1)}, {"method", pay.column_text(2)}, {"amount", amount},
                        {"invoices", std::move(numbers)}});
  }
  Json refunds = Json::array();
  auto back = ctx.db.prepare(
      "SELECT r.refunded_on, t.label, r.amount FROM refunds r JOIN payment_types t ON t.id = r.payment_type_id "
      "WHERE r.patient_id = ?1 AND r.refunded_on BETWEEN ?2 AND ?3 ORDER BY r.refunded_on, r.rowid");
  back.bind(1, patient).bind(2, from).bind(3, to);
  while (back.step()) {
    if (!core::add_to(total, -back.column_int64(2))) refuse("amount_too_large", "the year's refunds add up to too much", "year");
    refunds.push_back({{"date", back.column_text(0)}, {"method", back.column_text(1)}, {"amount", back.column_int64(2)}});
  }
  // The acts: each line of the invoices paid, dated by its service date (else the invoice's).
  Json acts = Json::array();
  auto lines = ctx.db.prepare(
      "SELECT CASE WHEN l.service_date <> '' THEN l.service_date ELSE i.issued_on END, l.label, i.number, l.total "
      "FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE l.invoice_id = ?1 ORDER BY l.position");
  for (const std::string& id : invoices) {
    lines.reset();
    lines.bind(1, id);
    while (lines.step()) {
      acts.push_back({{"date", lines.column_text(0)}, {"label", lines.column_text(1)},
                      {"invoice_number", lines.column_text(2)}, {"amount", lines.column_int64(3)}});
    }
  }
  std::stable_sort(acts.begin(), acts.end(), [](const Json& a, const Json& b) { return a["date"] < b["date"]; });
  out["payments"] = std::move(payments);
  out["refunds"] = std::move(refunds);
  out["acts"] = std::move(acts);
  out["total_paid"] = total;
  return out;
}

}  // namespace

void add_attestation_commands(Registry& r) {
  r.push_back({"patient.attestation", false, core::Permission::View, patient_attestation});
}

}  // namespace quittance::app
