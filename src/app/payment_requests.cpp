// Payment requests in the books. See payment_requests.h.
#include "app/payment_requests.h"

#include <algorithm>
#include <set>

#include "app/args.h"
#include "app/command_error.h"
#include "app/invoice_handlers.h"
#include "app/ledger.h"
#include "core/email_address.h"
#include "core/money.h"
#include "core/schedule.h"

namespace quittance::app::requests {

namespace {

constexpr std::size_t kMaxInvoices = 50;
constexpr std::int64_t kMaxHours = 60 * 24;  // two months: a link is not forever

std::string recipient_of(store::Database& db, const Spec& spec) {
  // The email goes where the invoices' emails go: the first invoice's « Facturé à », else the
  // patient.
  std::string contact;
  if (!spec.invoice_ids.empty()) {
    auto st = db.prepare("SELECT COALESCE(contact_id, '') FROM invoices WHERE id = ?1");
    st.bind(1, spec.invoice_ids.front());
    if (st.step()) contact = st.column_text(0);
  }
  return bill_to_block(db, contact, spec.patient_id, "").value("email", "");
}

}  // namespace

bool is_valid_token(std::string_view token) {
  if (token.size() < 32 || token.size() > 64) return false;
  return std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

Spec read_spec(Context& ctx) {
  Spec spec;
  spec.id = ctx.command_id;
  spec.token = require_string(ctx.cmd, "token", 64);
  if (!is_valid_token(spec.token))
    refuse("invalid_argument", "token must be 32 to 64 characters of base64url", "token");
  spec.patient_id = require_string(ctx.cmd, "patient_id", 64);
  if (has(ctx.cmd, "invoice_ids")) {
    const Json& ids = require_array(ctx.cmd, "invoice_ids");
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (!ids[i].is_string() || ids[i].get<std::string>().empty() || ids[i].get<std::string>().size() > 64)
        refuse("invalid_argument", "invoice ids are strings", "invoice_ids[" + std::to_string(i) + "]");
      spec.invoice_ids.push_back(ids[i].get<std::string>());
    }
  }
  spec.kind = optional_string(ctx.cmd, "kind", 10);
  if (spec.kind.empty()) spec.kind = spec.invoice_ids.empty() ? "deposit" : "invoices";
  if (spec.kind == "deposit") spec.deposit = require_amount(ctx.cmd, "amount");
  spec.save_card = optional_bool(ctx.cmd, "save_card", false);
  spec.send_email = optional_bool(ctx.cmd, "send_email", false);
  if (has(ctx.cmd, "expires_in_hours")) {
    const Json& hours = ctx.cmd["expires_in_hours"];
    if (!hours.is_number_integer() || hours.get<std::int64_t>() < 1 || hours.get<std::int64_t>() > kMaxHours)
      refuse("invalid_argument", "expires_in_hours must be 1 to 1440", "expires_in_hours");
    spec.expires_in_hours = hours.get<std::int64_t>();
  }
  spec.note = optional_string(ctx.cmd, "note", 500);
  return spec;
}

Json create(Context& ctx, const Spec& spec) {
  ledger::require_patient(ctx.db, spec.patient_id);
  if (spec.kind != "invoices" && spec.kind != "deposit" && spec.kind != "card")
    refuse("invalid_argument", "kind must be invoices, deposit or card", "kind");
  if (spec.kind == "invoices" && spec.invoice_ids.empty())
    refuse("invalid_argument", "a request for invoices names at least one", "invoice_ids");
  if (spec.kind != "invoices" && !spec.invoice_ids.empty())
    refuse("invalid_argument", "only a request for invoices names invoices", "invoice_ids");
  if (spec.invoice_ids.size() > kMaxInvoices)
    refuse("invalid_argument", "at most 50 invoices in one request", "invoice_ids");
  {
    auto same = ctx.db.prepare("SELECT 1 FROM payment_requests WHERE token = ?1");
    same.bind(1, spec.token);
    if (same.step()) refuse("invalid_argument", "this token is already a request's", "token");
  }

  std::int64_t amount = spec.kind == "deposit" ? spec.deposit : 0;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < spec.invoice_ids.size(); ++i) {
    const std::string field = "invoice_ids[" + std::to_string(i) + "]";
    if (!seen.insert(spec.invoice_ids[i]).second) refuse("invalid_argument", "an invoice is named twice", field);
    ledger::Invoice inv;
    try {
      inv = ledger::require_invoice(ctx.db, spec.invoice_ids[i]);
    } catch (CommandError& e) {
      e.field = field;
      throw;
    }
    if (inv.patient_id != spec.patient_id) refuse("wrong_patient", "the invoice is another patient's", field);
    if (inv.state == "draft") refuse("invoice_not_issued", "a draft cannot be paid: issue it first", field);
    if (inv.state == "cancelled") refuse("invoice_cancelled", "the invoice is cancelled", field);
    if (inv.due() <= 0) refuse("invoice_not_payable", "the invoice is paid already", field);
    if (!core::add_to(amount, inv.due())) refuse("amount_too_large", "the invoices add up to too much", field);
  }
  if (amount > core::kMaxAmount) refuse("amount_too_large", "a request is at most the largest amount", "amount");

  const std::string recipient = recipient_of(ctx.db, spec);
  if (spec.send_email) {
    if (recipient.empty())
      refuse("no_email_address", "the patient (or who the invoice is billed to) has no email address", "send_email");
    if (!core::valid_email_address(recipient))
      refuse("invalid_email_address", "the recipient's email address is not valid", "send_email");
  }

  const std::string now = ctx.clock.now();
  const std::optional<std::int64_t> created = core::parse_utc_instant(now);
  const std::string expires_at =
      core::format_utc_instant((created ? *created : 0) + spec.expires_in_hours * 3600);
  const std::string currency = ledger::practice_currency(ctx.db);
  auto st = ctx.db.prepare(
      "INSERT INTO payment_requests(id, token, patient_id, kind, amount, currency, save_card, note, send_email, "
      "recipient, created_at, expires_at, appointment_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  st.bind(1, spec.id).bind(2, spec.token).bind(3, spec.patient_id).bind(4, spec.kind).bind(5, amount);
  st.bind(6, currency).bind(7, static_cast<std::int64_t>(spec.save_card || spec.kind == "card"));
  st.bind(8, spec.note).bind(9, static_cast<std::int64_t>(spec.send_email)).bind(10, recipient);
  st.bind(11, now).bind(12, expires_at);
  if (spec.appointment_id.empty()) st.bind_null(13); else st.bind(13, spec.appointment_id);
  st.step();
  for (std::size_t i = 0; i < spec.invoice_ids.size(); ++i) {
    auto link = ctx.db.prepare("INSERT INTO payment_request_invoices(request_id, invoice_id, position) VALUES (?1, ?2, ?3)");
    link.bind(1, spec.id).bind(2, spec.invoice_ids[i]).bind(3, static_cast<std::int64_t>(i));
    link.step();
  }
  return Json{{"request_id", spec.id}, {"token", spec.token}, {"path", "/pay/" + spec.token}, {"kind", spec.kind},
              {"amount", amount}, {"currency", currency}, {"expires_at", expires_at}};
}

std::string effective_state(const std::string& stored, const std::string& expires_at, const std::string& now) {
  if (stored == "paid" || stored == "cancelled") return stored;
  return now >= expires_at ? "expired" : stored;
}

std::vector<Share> shares_of(store::Database& db, const std::string& request_id, std::int64_t amount) {
  std::vector<Share> out;
  auto st = db.prepare(
      "SELECT l.invoice_id FROM payment_request_invoices l WHERE l.request_id = ?1 ORDER BY l.position");
  st.bind(1, request_id);
  while (st.step() && amount > 0) {
    const ledger::Invoice inv = ledger::require_invoice(db, st.column_text(0));
    const std::int64_t part = std::min(amount, inv.due());
    if (part <= 0) continue;  // paid meanwhile, at the desk: the money goes to the next one, or credit
    out.push_back({inv.id, part});
    amount -= part;
  }
  return out;
}

std::string patient_of(store::Database& db, const std::string& request_id) {
  auto st = db.prepare("SELECT patient_id FROM payment_requests WHERE id = ?1");
  st.bind(1, request_id);
  return st.step() ? st.column_text(0) : "";
}

void mark_paid(store::Database& db, const std::string& request_id, const std::string& payment_id,
               const std::string& at) {
  auto st = db.prepare(
      "UPDATE payment_requests SET state = 'paid', paid_at = ?2, payment_id = NULLIF(?3, '') WHERE id = ?1");
  st.bind(1, request_id).bind(2, at).bind(3, payment_id);
  st.step();
  // The appointment it was asked for is confirmed: the money came, even after its expiry.
  auto confirm = db.prepare(
      "UPDATE appointments SET status = 'confirmed', confirmed_at = ?2 "
      "WHERE request_id = ?1 AND status = 'pending'");
  confirm.bind(1, request_id).bind(2, at);
  confirm.step();
}

void mark_failed(store::Database& db, const std::string& request_id, const std::string& decline_code) {
  auto st = db.prepare(
      "UPDATE payment_requests SET state = 'failed', decline_code = ?2 WHERE id = ?1 AND state IN ('sent', 'opened', "
      "'failed')");
  st.bind(1, request_id).bind(2, decline_code);
  st.step();
}

void mark_opened(store::Database& db, const std::string& request_id, const std::string& at) {
  auto st = db.prepare(
      "UPDATE payment_requests SET state = 'opened', opened_at = COALESCE(opened_at, ?2) WHERE id = ?1 AND state = "
      "'sent'");
  st.bind(1, request_id).bind(2, at);
  st.step();
}

}  // namespace quittance::app::requests
