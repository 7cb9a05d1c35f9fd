// Documents a patient receives by email (attestation de paiement, relevé de compte): the books
// record the asking (document_emails, migration 14), which syncs to the server like any
// operation; the server's outbox sends each once with its PDF, within the sending window and
// the daily cap (server/mail/document_mail.h). Nothing is sent from the device.
//   patient.email_document {patient_id, kind: "attestation", year} | {patient_id, kind: "statement", from?, to?}
//     → {document_email_id, recipient}; refused patient_no_email when the patient has none.
//   attestation.email_all {year} → {queued, without_email}: the year's attestation to every
//     patient who paid that year (payments less refunds above zero) and has an address: the
//     January round for the mutuelles. Sent again for the same year, it queues only patients not
//     already queued for it.
#include "app/args.h"
#include "app/command_error.h"
#include "app/ledger.h"
#include "app/registry.h"
#include "core/date.h"
#include "core/email_address.h"

namespace quittance::app {

namespace {

void queue(Context& ctx, const std::string& id, const std::string& patient, const char* kind, const std::string& from,
           const std::string& to, const std::string& recipient) {
  auto st = ctx.db.prepare(
      "INSERT INTO document_emails(id, patient_id, kind, period_from, period_to, recipient, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  st.bind(1, id).bind(2, patient).bind(3, std::string(kind)).bind(4, from).bind(5, to).bind(6, recipient);
  st.bind(7, ctx.clock.now());
  st.step();
}

Json patient_email_document(Context& ctx) {
  const std::string patient = require_string(ctx.cmd, "patient_id", 64);
  ledger::require_patient(ctx.db, patient);
  const std::string kind = require_string(ctx.cmd, "kind", 20);
  std::string from, to;
  if (kind == "attestation") {
    const std::int64_t year = require_int(ctx.cmd, "year", 2000, 2100);
    from = std::to_string(year) + "-01-01";
    to = std::to_string(year) + "-12-31";
  } else if (kind == "statement") {
    // The whole account by default, up to today: what the patient's page shows.
    from = has(ctx.cmd, "from") ? core::format_iso(require_date(ctx.cmd, "from")) : "";
    to = core::format_iso(has(ctx.cmd, "to") ? require_date(ctx.cmd, "to") : ctx.clock.today());
    if (!from.empty() && to < from) refuse("invalid_argument", "\"to\" is before \"from\"", "to");
  } else {
    refuse("invalid_argument", "kind must be \"attestation\" or \"statement\"", "kind");
  }
  auto who = ctx.db.prepare("SELECT email FROM patients WHERE id = ?1");
  who.bind(1, patient);
  who.step();
  const std::string email = who.column_text(0);
  if (email.empty()) refuse("patient_no_email", "the patient has no email address", "patient_id");
  if (!core::valid_email_address(email)) refuse("invalid_email_address", "the patient's email address is not valid", "patient_id");
  queue(ctx, ctx.command_id, patient, kind == "attestation" ? "attestation" : "statement", from, to, email);
  return Json{{"document_email_id", ctx.command_id}, {"recipient", email}};
}

Json attestation_email_all(Context& ctx) {
  const std::int64_t year = require_int(ctx.cmd, "year", 2000, 2100);
  const std::string from = std::to_string(year) + "-01-01", to = std::to_string(year) + "-12-31";
  // Who paid that year, net of refunds: the attestation has an amount to show.
  auto st = ctx.db.prepare(
      "SELECT p.id, p.email FROM patients p WHERE p.archived = 0 AND "
      " (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE patient_id = p.id AND deleted = 0 AND paid_on BETWEEN ?1 AND ?2) -"
      " (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE patient_id = p.id AND refunded_on BETWEEN ?1 AND ?2) > 0"
      " AND NOT EXISTS (SELECT 1 FROM document_emails d WHERE d.patient_id = p.id AND d.kind = 'attestation'"
      "  AND d.period_from = ?1 AND d.id LIKE '%:all')"
      " ORDER BY p.name, p.id");
  st.bind(1, from).bind(2, to);
  std::int64_t queued = 0, without = 0;
  while (st.step()) {
    const std::string email = st.column_text(1);
    if (email.empty() || !core::valid_email_address(email)) {
      ++without;
      continue;
    }
    // One id per patient and command, marked ":all" so that a second round finds the first.
    queue(ctx, ctx.command_id + ":" + st.column_text(0) + ":all", st.column_text(0), "attestation", from, to, email);
    ++queued;
  }
  return Json{{"year", year}, {"queued", queued}, {"without_email", without}};
}

}  // namespace

void add_document_email_commands(Registry& r) {
  r.push_back({"patient.email_document", true, core::Permission::TakePayments, patient_email_document});
  r.push_back({"attestation.email_all", true, core::Permission::TakePayments, attestation_email_all});
}

}  // namespace quittance::app
