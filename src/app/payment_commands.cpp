// Money in and out of the patient account: payments (with their allocations; what is not
// allocated is account credit, i.e. an acompte), « Payer depuis le compte », credit notes and
// « Appliquer un avoir », and refunds. Editing or deleting a payment is itself a journaled
// command with a reason, and the invoices it paid follow.
#include "app/args.h"
#include "app/command_error.h"
#include "app/frozen_documents.h"
#include "app/ledger.h"
#include "app/lines.h"
#include "app/numbers.h"
#include "app/payment_handlers.h"
#include "app/registry.h"
#include "app/update_column.h"
#include "core/money.h"

namespace quittance::app {

namespace {

using ledger::SourceKind;

// A payment type a payment or refund may use: it exists, is not archived, and is not one of
// the two built-ins that move existing credit rather than money.
void check_payment_type(store::Database& db, const std::string& id) {
  auto st = db.prepare("SELECT archived FROM payment_types WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) refuse("not_found", "no payment type \"" + id + "\"", "payment_type_id");
  if (st.column_int64(0)) refuse("archived", "the payment type is archived", "payment_type_id");
  if (id == "account" || id == "credit_note") {
    refuse("payment_type_not_money", "use invoice.pay_from_account or credit_note.apply for this type",
           "payment_type_id");
  }
}

struct Allocation {
  std::string invoice_id;
  std::int64_t amount;
};

std::vector<Allocation> read_allocations(const Json& cmd) {
  std::vector<Allocation> out;
  if (!has(cmd, "allocations")) return out;
  const Json& list = require_array(cmd, "allocations");
  if (list.size() > 200) refuse("invalid_argument", "at most 200 allocations", "allocations");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = "allocations[" + std::to_string(i) + "]";
    if (!list[i].is_object()) refuse("invalid_argument", at + " must be an object", at);
    try {
      out.push_back({require_string(list[i], "invoice_id", 64), require_amount(list[i], "amount")});
    } catch (CommandError& e) {
      e.field = at + "." + e.field;
      throw;
    }
  }
  return out;
}

}  // namespace

Json payment_create(Context& ctx) {
  const std::string patient = require_string(ctx.cmd, "patient_id", 64);
  ledger::require_patient(ctx.db, patient);
  const std::string type = require_string(ctx.cmd, "payment_type_id", 64);
  if (!ctx.replaying) check_payment_type(ctx.db, type);  // archived meanwhile: the money came in anyway
  const std::int64_t amount = require_amount(ctx.cmd, "amount");
  const core::Date paid_on = has(ctx.cmd, "paid_on") ? require_date(ctx.cmd, "paid_on") : ctx.clock.today();
  const std::vector<Allocation> allocations = read_allocations(ctx.cmd);
  std::int64_t allocated = 0;
  for (const Allocation& a : allocations) {
    if (!core::add_to(allocated, a.amount)) refuse("amount_too_large", "the allocations add up to too much", "allocations");
  }
  if (allocated > amount) refuse("allocation_exceeds_payment", "the allocations add up to more than the payment", "allocations");
  // The processor's fee (a card terminal's, Stripe's): kept for the accounts, never deducted
  // from what the patient paid.
  const std::int64_t fee = optional_amount(ctx.cmd, "fee", /*zero_allowed=*/true).value_or(0);
  if (fee > amount) refuse("invalid_amount", "the fee is larger than the payment", "fee");

  auto st = ctx.db.prepare(
      "INSERT INTO payments(id, patient_id, paid_on, payment_type_id, currency, amount, reference, note, created_at, "
      "fee, processor_ref) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  st.bind(1, ctx.command_id).bind(2, patient).bind(3, core::format_iso(paid_on)).bind(4, type);
  st.bind(5, ledger::practice_currency(ctx.db)).bind(6, amount).bind(7, optional_string(ctx.cmd, "reference", 200));
  st.bind(8, optional_string(ctx.cmd, "note", 2000)).bind(9, ctx.clock.now()).bind(10, fee);
  st.bind(11, optional_string(ctx.cmd, "processor_ref", 255));
  st.step();
  const ledger::Source source = ledger::require_source(ctx.db, SourceKind::Payment, ctx.command_id);
  if (ctx.replaying) allocated = 0;
  for (std::size_t i = 0; i < allocations.size(); ++i) {
    const Allocation& a = allocations[i];
    if (!ctx.replaying) {
      try {
        ledger::allocate(ctx.db, a.invoice_id, source, a.amount, ctx.command_id);
      } catch (CommandError& e) {
        // The field as the caller wrote it: allocations[1].amount, not amount.
        e.field = "allocations[" + std::to_string(i) + "]" + (e.field.empty() ? "" : "." + e.field);
        throw;
      }
      continue;
    }
    // Another device paid this invoice meanwhile: what is no longer due stays as credit.
    const ledger::Invoice inv = ledger::require_invoice(ctx.db, a.invoice_id);
    const std::int64_t take = inv.state == "issued" && inv.patient_id == patient ? std::min(a.amount, inv.due()) : 0;
    if (take > 0) ledger::allocate(ctx.db, a.invoice_id, source, take, ctx.command_id);
    if (take < a.amount) ledger::flag_for_review(ctx.db, ctx.command_id, "surplus_credit", a.invoice_id, a.amount - take);
    allocated += take;
  }
  return Json{{"payment_id", ctx.command_id}, {"allocated", allocated}, {"credit", amount - allocated}};
}

namespace {

// A card payment made through Stripe is what Stripe says it is: it is corrected by a refund
// (which Stripe makes, and whose event the device records), never edited or deleted here,
// or a later refund event would find it changed and be refused.
void refuse_if_processed(store::Database& db, const std::string& payment_id) {
  auto st = db.prepare("SELECT processor_ref FROM payments WHERE id = ?1");
  st.bind(1, payment_id);
  if (st.step() && !st.column_text(0).empty()) {
    refuse("payment_processed", "a card payment made through Stripe is corrected by a refund", "payment_id");
  }
}

// Changes a payment's facts; a lower amount first releases what it paid, newest first, so
// the invoices go back to « à payer » or « partiellement payée » as needed.
Json payment_update(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "payment_id", 64);
  require_text(ctx.cmd, "reason", 500);  // kept in the journal with the command
  ledger::Source source = ledger::require_source(ctx.db, SourceKind::Payment, id);
  refuse_if_processed(ctx.db, id);
  auto set = [&](const char* column, const auto& value) { update_column(ctx.db, "payments", id, column, value); };
  if (has(ctx.cmd, "payment_type_id")) {
    std::string type = require_string(ctx.cmd, "payment_type_id", 64);
    check_payment_type(ctx.db, type);
    set("payment_type_id", type);
  }
  if (has(ctx.cmd, "paid_on")) set("paid_on", core::format_iso(require_date(ctx.cmd, "paid_on")));
  if (has(ctx.cmd, "reference")) set("reference", optional_string(ctx.cmd, "reference", 200));
  if (has(ctx.cmd, "note")) set("note", optional_string(ctx.cmd, "note", 2000));
  if (has(ctx.cmd, "amount")) {
    const std::int64_t amount = require_amount(ctx.cmd, "amount");
    if (amount < ledger::refunded_from(ctx.db, SourceKind::Payment, id)) {
      refuse("payment_refunded", "part of this payment was refunded: the amount cannot go below that", "amount");
    }
    if (amount < source.used) ledger::release_from_source(ctx.db, source, source.used - amount, ctx.command_id);
    set("amount", amount);
  }
  return Json{{"payment_id", id}};
}

Json payment_delete(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "payment_id", 64);
  require_text(ctx.cmd, "reason", 500);
  ledger::Source source = ledger::require_source(ctx.db, SourceKind::Payment, id);
  refuse_if_processed(ctx.db, id);
  if (ledger::refunded_from(ctx.db, SourceKind::Payment, id) > 0) refuse("payment_refunded", "a refunded payment cannot be deleted", "payment_id");
  const std::int64_t released = ledger::release_from_source(ctx.db, source, source.total, ctx.command_id);
  update_column(ctx.db, "payments", id, "deleted", std::int64_t{1});
  return Json{{"payment_id", id}, {"released", released}};
}

// Allocates the patient's existing credit (earlier payments and deposits, oldest first).
Json pay_from_account(Context& ctx) {
  const std::string invoice_id = require_string(ctx.cmd, "invoice_id", 64);
  const ledger::Invoice inv = ledger::require_invoice(ctx.db, invoice_id);
  const std::int64_t amount = require_amount(ctx.cmd, "amount");
  if (inv.state != "issued") refuse("invoice_not_payable", "only an issued invoice can be paid", "invoice_id");
  if (amount > inv.due()) refuse("allocation_exceeds_due", "more than the amount due", "amount");
  std::int64_t left = amount;
  for (const ledger::Source& s : ledger::available_sources(ctx.db, inv.patient_id, false)) {
    const std::int64_t take = std::min(left, s.available());
    ledger::allocate(ctx.db, invoice_id, s, take, ctx.command_id);
    left -= take;
    if (left == 0) break;
  }
  if (left > 0) refuse("insufficient_credit", "the account credit is " + std::to_string(amount - left) + " cents", "amount");
  return Json{{"invoice_id", invoice_id}, {"allocated", amount},
              {"credit_left", ledger::patient_balance(ctx.db, inv.patient_id).credit}};
}

}  // namespace

Json credit_note_create(Context& ctx) {
  const std::string patient = require_string(ctx.cmd, "patient_id", 64);
  ledger::require_patient(ctx.db, patient);
  const std::string invoice_id = optional_string(ctx.cmd, "invoice_id", 64);
  if (!invoice_id.empty()) {
    ledger::Invoice inv = ledger::require_invoice(ctx.db, invoice_id);
    if (inv.patient_id != patient) refuse("wrong_patient", "the invoice belongs to another patient", "invoice_id");
    if (inv.state == "draft") refuse("invoice_not_issued", "a draft needs no credit note", "invoice_id");
  }
  std::vector<Line> lines = read_lines(ctx, require_array(ctx.cmd, "lines"));
  const core::DocumentTotals t = totals_of(lines);
  const core::Date on = has(ctx.cmd, "issued_on") ? require_date(ctx.cmd, "issued_on") : ctx.clock.today();
  const std::string number = next_document_number(ctx.db, ctx.series, core::DocumentKind::CreditNote, on);
  auto st = ctx.db.prepare(
      "INSERT INTO credit_notes(id, patient_id, invoice_id, number, issued_on, currency, net, tax, total, note, "
      "internal_note, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  st.bind(1, ctx.command_id).bind(2, patient);
  if (invoice_id.empty()) st.bind_null(3); else st.bind(3, invoice_id);
  st.bind(4, number).bind(5, core::format_iso(on)).bind(6, ledger::practice_currency(ctx.db));
  st.bind(7, t.net).bind(8, t.tax).bind(9, t.total).bind(10, optional_string(ctx.cmd, "note", 2000));
  st.bind(11, optional_string(ctx.cmd, "internal_note", 2000)).bind(12, ctx.clock.now());
  st.step();
  store_lines(ctx.db, "credit_note_lines", "credit_note_id", ctx.command_id, lines);
  freeze_credit_note(ctx.db, ctx.command_id);  // what it prints, as it is now, for good
  return Json{{"credit_note_id", ctx.command_id}, {"number", number}, {"total", t.total}};
}

Json credit_note_apply(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "credit_note_id", 64);
  const ledger::Source cn = ledger::require_source(ctx.db, SourceKind::CreditNote, id);
  const std::int64_t amount = require_amount(ctx.cmd, "amount");
  ledger::allocate(ctx.db, require_string(ctx.cmd, "invoice_id", 64), cn, amount, ctx.command_id);
  return Json{{"credit_note_id", id}, {"applied", amount}, {"left", cn.available() - amount}};
}


// A refund of one payment, of one credit note, or of the account's credit (oldest first).
// A payment's refund takes its unallocated part first, then what it paid, newest invoice first.
Json refund_create(Context& ctx) {
  const std::string patient = require_string(ctx.cmd, "patient_id", 64);
  ledger::require_patient(ctx.db, patient);
  const std::int64_t amount = require_amount(ctx.cmd, "amount");
  const std::string type = require_string(ctx.cmd, "payment_type_id", 64);
  check_payment_type(ctx.db, type);
  const std::string route = has(ctx.cmd, "route") ? require_string(ctx.cmd, "route", 20) : "manual";
  if (route != "manual" && route != "processor") refuse("invalid_argument", "route must be manual or processor", "route");
  const std::string reason = require_text(ctx.cmd, "reason", 500);
  const core::Date on = has(ctx.cmd, "refunded_on") ? require_date(ctx.cmd, "refunded_on") : ctx.clock.today();

  std::vector<std::pair<ledger::Source, std::int64_t>> parts;
  if (has(ctx.cmd, "payment_id") || has(ctx.cmd, "credit_note_id")) {
    const bool payment = has(ctx.cmd, "payment_id");
    const SourceKind kind = payment ? SourceKind::Payment : SourceKind::CreditNote;
    ledger::Source s = ledger::require_source(ctx.db, kind, require_string(ctx.cmd, payment ? "payment_id" : "credit_note_id", 64));
    if (s.patient_id != patient) refuse("wrong_patient", "it belongs to another patient", payment ? "payment_id" : "credit_note_id");
    // What may be refunded (docs/commands.md, « Refundable »): of a payment, the money received
    // less what went back already, its allocations released as needed (newest invoice first);
    // of a credit note, only what it left as account credit. What a credit note settles was
    // never paid: a credit note that cancels an unpaid invoice refunds nothing.
    const std::int64_t refundable =
        payment ? s.total - ledger::refunded_from(ctx.db, kind, s.id) : s.available();
    if (amount > refundable) {
      refuse("refund_exceeds_refundable", "only " + std::to_string(refundable) + " cents can be refunded", "amount");
    }
    if (amount > s.available()) ledger::release_from_source(ctx.db, s, amount - s.available(), ctx.command_id);
    parts.push_back({s, amount});
  } else {
    std::int64_t left = amount;
    for (const ledger::Source& s : ledger::available_sources(ctx.db, patient, true)) {
      const std::int64_t take = std::min(left, s.available());
      parts.push_back({s, take});
      left -= take;
      if (left == 0) break;
    }
    if (left > 0) {
      refuse("refund_exceeds_refundable", "the account credit is " + std::to_string(amount - left) + " cents", "amount");
    }
  }
  auto st = ctx.db.prepare(
      "INSERT INTO refunds(id, patient_id, refunded_on, amount, payment_type_id, route, reason, details, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  st.bind(1, ctx.command_id).bind(2, patient).bind(3, core::format_iso(on)).bind(4, amount).bind(5, type);
  st.bind(6, route).bind(7, reason).bind(8, optional_string(ctx.cmd, "details", 2000)).bind(9, ctx.clock.now());
  st.step();
  auto part = ctx.db.prepare("INSERT INTO refund_parts(refund_id, source_kind, source_id, amount) VALUES (?1, ?2, ?3, ?4)");
  for (const auto& [source, take] : parts) {
    part.reset();
    part.bind(1, ctx.command_id).bind(2, ledger::to_string(source.kind)).bind(3, source.id).bind(4, take);
    part.step();
    ledger::refresh_source(ctx.db, source.kind, source.id);
  }
  return Json{{"refund_id", ctx.command_id}, {"amount", amount}};
}

namespace {

// A patient's payments (their page), or the practice's (« Paiements »: a date range and a
// payment type, with the count and the sum of what was received, deleted ones excluded).
Json payment_list(Context& ctx) {
  std::string where = "1";
  std::vector<std::string> args;
  auto add = [&](const std::string& clause, const std::string& value) {
    args.push_back(value);
    where += " AND " + clause + std::to_string(args.size());
  };
  if (has(ctx.cmd, "patient_id")) add("p.patient_id = ?", require_string(ctx.cmd, "patient_id", 64));
  if (has(ctx.cmd, "from")) add("p.paid_on >= ?", core::format_iso(require_date(ctx.cmd, "from")));
  if (has(ctx.cmd, "to")) add("p.paid_on <= ?", core::format_iso(require_date(ctx.cmd, "to")));
  if (has(ctx.cmd, "payment_type_id")) add("p.payment_type_id = ?", require_string(ctx.cmd, "payment_type_id", 64));
  const Page page = read_page(ctx.cmd);
  auto bind_all = [&](store::Statement& st) {
    for (std::size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
  };
  auto count = ctx.db.prepare("SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.deleted = 0 THEN p.amount END), 0) "
                              "FROM payments p WHERE " + where);
  bind_all(count);
  count.step();
  const std::int64_t total = count.column_int64(0), received = count.column_int64(1);
  auto st = ctx.db.prepare(
      "SELECT p.id, p.paid_on, p.payment_type_id, t.label, p.amount, p.used, p.reference, p.note, p.deleted, p.fee, "
      "p.processor_ref, p.patient_id, pa.name "
      "FROM payments p JOIN payment_types t ON t.id = p.payment_type_id JOIN patients pa ON pa.id = p.patient_id "
      "WHERE " + where + " ORDER BY p.paid_on DESC, p.id DESC LIMIT ?" + std::to_string(args.size() + 1) +
      " OFFSET ?" + std::to_string(args.size() + 2));
  bind_all(st);
  st.bind(static_cast<int>(args.size() + 1), page.limit).bind(static_cast<int>(args.size() + 2), page.offset);
  Json items = Json::array();
  while (st.step()) {
    const bool deleted = st.column_int64(8) != 0;
    items.push_back({{"payment_id", st.column_text(0)}, {"paid_on", st.column_text(1)},
                     {"payment_type_id", st.column_text(2)}, {"type", st.column_text(3)}, {"amount", st.column_int64(4)},
                     {"credit", deleted ? 0 : st.column_int64(4) - st.column_int64(5)},
                     {"reference", st.column_text(6)}, {"note", st.column_text(7)}, {"deleted", deleted},
                     {"fee", st.column_int64(9)}, {"processor_ref", st.column_text(10)},
                     {"patient_id", st.column_text(11)}, {"patient_name", st.column_text(12)},
                     {"refundable", deleted ? 0 : st.column_int64(4) - ledger::refunded_from(ctx.db, SourceKind::Payment, st.column_text(0))}});
  }
  return Json{{"total", total}, {"received", received}, {"items", std::move(items)}};
}

Json credit_note_list(Context& ctx) {
  const std::string patient = require_string(ctx.cmd, "patient_id", 64);
  auto st = ctx.db.prepare(
      "SELECT id, number, issued_on, total, used, COALESCE(invoice_id, ''), cancels, note, internal_note "
      "FROM credit_notes WHERE patient_id = ?1 ORDER BY issued_on DESC, number DESC");
  st.bind(1, patient);
  Json items = Json::array();
  while (st.step()) {
    items.push_back({{"credit_note_id", st.column_text(0)}, {"number", st.column_text(1)},
                     {"issued_on", st.column_text(2)}, {"total", st.column_int64(3)},
                     {"available", st.column_int64(3) - st.column_int64(4)}, {"invoice_id", st.column_text(5)},
                     {"cancels", st.column_int64(6) != 0}, {"note", st.column_text(7)},
                     {"internal_note", st.column_text(8)}});
  }
  return Json{{"items", std::move(items)}};
}

}  // namespace

void add_payment_commands(Registry& r) {
  using core::Permission;
  r.push_back({"payment.create", true, Permission::TakePayments, payment_create});
  r.push_back({"payment.update", true, Permission::TakePayments, payment_update});
  r.push_back({"payment.delete", true, Permission::TakePayments, payment_delete});
  r.push_back({"payment.list", false, Permission::View, payment_list});
  r.push_back({"invoice.pay_from_account", true, Permission::TakePayments, pay_from_account});
  r.push_back({"credit_note.create", true, Permission::TakePayments, credit_note_create});
  r.push_back({"credit_note.apply", true, Permission::TakePayments, credit_note_apply});
  r.push_back({"credit_note.list", false, Permission::View, credit_note_list});
  r.push_back({"refund.create", true, Permission::Refund, refund_create});
}

}  // namespace quittance::app
