// Patient account movements. See ledger.h.
#include "app/ledger.h"

#include "app/command_error.h"
#include "app/settings_keys.h"
#include "core/invoice_status.h"

namespace quittance::app::ledger {

const char* to_string(SourceKind k) { return k == SourceKind::Payment ? "payment" : "credit_note"; }

namespace {
std::int64_t scalar(store::Database& db, const char* sql, const std::string& arg) {
  auto st = db.prepare(sql);
  st.bind(1, arg);
  st.step();
  return st.column_int64(0);
}

// A source from a row "id, patient_id, currency, date, total, used[, deleted]".
Source read_source(const store::Statement& st, SourceKind kind, bool with_deleted) {
  return Source{kind,
                st.column_text(0),
                st.column_text(1),
                st.column_text(2),
                st.column_text(3),
                st.column_int64(4),
                st.column_int64(5),
                with_deleted && st.column_int64(6) != 0};
}

core::InvoiceState state_of(const std::string& s) {
  if (s == "draft") return core::InvoiceState::Draft;
  if (s == "cancelled") return core::InvoiceState::Cancelled;
  return core::InvoiceState::Issued;
}
}  // namespace

void require_patient(store::Database& db, const std::string& patient_id) {
  if (!scalar(db, "SELECT COUNT(*) FROM patients WHERE id = ?1", patient_id)) {
    refuse("not_found", "no patient \"" + patient_id + "\"", "patient_id");
  }
}

std::string current_record(store::Database& db, const std::string& patient_id) {
  std::string id = patient_id;
  // Merging into a merged record is refused, so chains end; the bound is a guard, not a rule.
  for (int hop = 0; hop < 32; ++hop) {
    auto st = db.prepare("SELECT merged_into FROM patients WHERE id = ?1");
    st.bind(1, id);
    if (!st.step() || st.column_text(0).empty()) break;
    id = st.column_text(0);
  }
  return id;
}

Invoice require_invoice(store::Database& db, const std::string& invoice_id) {
  auto st = db.prepare(
      "SELECT id, patient_id, state, currency, COALESCE(issued_on, ''), total, settled FROM invoices WHERE id = ?1");
  st.bind(1, invoice_id);
  if (!st.step()) refuse("not_found", "no invoice \"" + invoice_id + "\"", "invoice_id");
  return Invoice{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3),
                 st.column_text(4), st.column_int64(5), st.column_int64(6)};
}

Source require_source(store::Database& db, SourceKind kind, const std::string& id) {
  const bool payment = kind == SourceKind::Payment;
  auto st = db.prepare(payment ? "SELECT id, patient_id, currency, paid_on, amount, used, deleted FROM payments WHERE id = ?1"
                               : "SELECT id, patient_id, currency, issued_on, total, used, 0 FROM credit_notes WHERE id = ?1");
  st.bind(1, id);
  const char* field = payment ? "payment_id" : "credit_note_id";
  if (!st.step()) refuse("not_found", std::string("no ") + to_string(kind) + " \"" + id + "\"", field);
  Source s = read_source(st, kind, true);
  if (s.deleted) refuse("payment_deleted", "the payment \"" + id + "\" was deleted", field);
  return s;
}

void flag_for_review(store::Database& db, const std::string& command_id, const std::string& kind,
                     const std::string& invoice_id, std::int64_t amount) {
  auto st = db.prepare(
      "INSERT INTO review_flags(command_id, kind, invoice_id, amount) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT(command_id, invoice_id) DO UPDATE SET amount = amount + excluded.amount");
  st.bind(1, command_id).bind(2, kind).bind(3, invoice_id).bind(4, amount);
  st.step();
}

std::string practice_currency(store::Database& db) { return setting_or_default(db, "practice.currency"); }

void allocate(store::Database& db, const std::string& invoice_id, const Source& source, std::int64_t amount,
              const std::string& command_id) {
  Invoice inv = require_invoice(db, invoice_id);
  if (inv.state != "issued") {
    refuse("invoice_not_payable", "the invoice is " + inv.state + ": only an issued invoice can be paid", "invoice_id");
  }
  if (inv.patient_id != source.patient_id) refuse("wrong_patient", "the invoice belongs to another patient", "invoice_id");
  if (inv.currency != source.currency) refuse("currency_mismatch", "the invoice is in " + inv.currency, "invoice_id");
  if (amount <= 0) refuse("invalid_amount", "an allocation must be positive", "amount");
  if (amount > inv.due()) {
    refuse("allocation_exceeds_due", "the invoice has only " + std::to_string(inv.due()) + " cents due", "amount");
  }
  const Source current = require_source(db, source.kind, source.id);  // reread: earlier allocations count
  if (amount > current.available()) {
    refuse(source.kind == SourceKind::Payment ? "allocation_exceeds_payment" : "credit_note_exhausted",
           std::string("the ") + to_string(source.kind) + " has only " + std::to_string(current.available()) +
               " cents left",
           "amount");
  }
  auto st = db.prepare(
      "INSERT INTO allocations(invoice_id, source_kind, source_id, amount, command_id) VALUES (?1, ?2, ?3, ?4, ?5)");
  st.bind(1, invoice_id).bind(2, to_string(source.kind)).bind(3, source.id).bind(4, amount).bind(5, command_id);
  st.step();
  refresh_invoice(db, invoice_id);
  refresh_source(db, source.kind, source.id);
}

std::int64_t release_from_source(store::Database& db, const Source& source, std::int64_t amount,
                                 const std::string& command_id) {
  std::int64_t freed = 0;
  struct Row { std::int64_t id; std::string invoice_id; std::int64_t amount; };
  std::vector<Row> rows;
  {
    auto st = db.prepare(
        "SELECT id, invoice_id, amount FROM allocations WHERE source_kind = ?1 AND source_id = ?2 AND reversed = 0 "
        "ORDER BY id DESC");
    st.bind(1, to_string(source.kind)).bind(2, source.id);
    while (st.step()) rows.push_back({st.column_int64(0), st.column_text(1), st.column_int64(2)});
  }
  for (const Row& row : rows) {
    if (freed >= amount) break;
    auto reverse = db.prepare("UPDATE allocations SET reversed = 1 WHERE id = ?1");
    reverse.bind(1, row.id);
    reverse.step();
    const std::int64_t take = std::min(row.amount, amount - freed);
    if (take < row.amount) {  // keep the rest allocated
      auto remake = db.prepare(
          "INSERT INTO allocations(invoice_id, source_kind, source_id, amount, command_id) VALUES (?1, ?2, ?3, ?4, ?5)");
      remake.bind(1, row.invoice_id).bind(2, to_string(source.kind)).bind(3, source.id);
      remake.bind(4, row.amount - take).bind(5, command_id);
      remake.step();
    }
    freed += take;
    refresh_invoice(db, row.invoice_id);
  }
  refresh_source(db, source.kind, source.id);
  return freed;
}

std::int64_t release_invoice(store::Database& db, const std::string& invoice_id, SourceKind kind) {
  std::vector<std::string> sources;
  std::int64_t sum = 0;
  {
    auto st = db.prepare(
        "SELECT source_id, amount FROM allocations WHERE invoice_id = ?1 AND source_kind = ?2 AND reversed = 0");
    st.bind(1, invoice_id).bind(2, to_string(kind));
    while (st.step()) {
      sources.push_back(st.column_text(0));
      sum += st.column_int64(1);
    }
  }
  auto st = db.prepare("UPDATE allocations SET reversed = 1 WHERE invoice_id = ?1 AND source_kind = ?2 AND reversed = 0");
  st.bind(1, invoice_id).bind(2, to_string(kind));
  st.step();
  for (const std::string& s : sources) refresh_source(db, kind, s);
  refresh_invoice(db, invoice_id);
  return sum;
}

void refresh_invoice(store::Database& db, const std::string& invoice_id) {
  const std::int64_t settled =
      scalar(db, "SELECT COALESCE(SUM(amount), 0) FROM allocations WHERE invoice_id = ?1 AND reversed = 0", invoice_id);
  Invoice inv = require_invoice(db, invoice_id);
  const char* status = core::to_string(core::derive_status(state_of(inv.state), inv.total, settled));
  auto st = db.prepare("UPDATE invoices SET settled = ?2, status = ?3 WHERE id = ?1");
  st.bind(1, invoice_id).bind(2, settled).bind(3, status);
  st.step();
}

std::int64_t refunded_from(store::Database& db, SourceKind kind, const std::string& id) {
  auto st = db.prepare("SELECT COALESCE(SUM(amount), 0) FROM refund_parts WHERE source_kind = ?1 AND source_id = ?2");
  st.bind(1, to_string(kind)).bind(2, id);
  st.step();
  return st.column_int64(0);
}

void refresh_source(store::Database& db, SourceKind kind, const std::string& id) {
  const std::string k = to_string(kind);
  auto st = db.prepare(std::string("UPDATE ") + (kind == SourceKind::Payment ? "payments" : "credit_notes") +
                       " SET used = "
                       "(SELECT COALESCE(SUM(amount), 0) FROM allocations WHERE source_kind = '" + k +
                       "' AND source_id = ?1 AND reversed = 0) + "
                       "(SELECT COALESCE(SUM(amount), 0) FROM refund_parts WHERE source_kind = '" + k +
                       "' AND source_id = ?1) WHERE id = ?1");
  st.bind(1, id);
  st.step();
}

std::int64_t payments_credit(store::Database& db, const std::string& patient_id) {
  std::int64_t credit = 0;
  for (const Source& s : available_sources(db, patient_id, false)) credit += s.available();
  return credit;
}

std::vector<Source> available_sources(store::Database& db, const std::string& patient_id, bool with_credit_notes) {
  std::vector<Source> out;
  auto st = db.prepare(
      "SELECT id, patient_id, currency, paid_on, amount, used FROM payments "
      "WHERE patient_id = ?1 AND deleted = 0 AND used < amount ORDER BY paid_on, created_at, id");
  st.bind(1, patient_id);
  while (st.step()) out.push_back(read_source(st, SourceKind::Payment, false));
  if (!with_credit_notes) return out;
  auto cn = db.prepare(
      "SELECT id, patient_id, currency, issued_on, total, used FROM credit_notes "
      "WHERE patient_id = ?1 AND used < total ORDER BY issued_on, created_at, id");
  cn.bind(1, patient_id);
  while (cn.step()) out.push_back(read_source(cn, SourceKind::CreditNote, false));
  return out;
}

Balance patient_balance(store::Database& db, const std::string& patient_id) {
  Balance b;
  auto st = db.prepare(
      "SELECT "
      " (SELECT COALESCE(SUM(total), 0) FROM invoices WHERE patient_id = ?1 AND state <> 'draft'),"
      " (SELECT COALESCE(SUM(total - settled), 0) FROM invoices WHERE patient_id = ?1 AND state = 'issued'),"
      " (SELECT COALESCE(SUM(total), 0) FROM credit_notes WHERE patient_id = ?1),"
      " (SELECT COALESCE(SUM(total - used), 0) FROM credit_notes WHERE patient_id = ?1),"
      " (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE patient_id = ?1 AND deleted = 0),"
      " (SELECT COALESCE(SUM(amount - used), 0) FROM payments WHERE patient_id = ?1 AND deleted = 0),"
      " (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE patient_id = ?1)");
  st.bind(1, patient_id);
  st.step();
  b.invoiced = st.column_int64(0);
  b.due = st.column_int64(1);
  b.credited = st.column_int64(2);
  b.credit = st.column_int64(3) + st.column_int64(5);
  b.paid = st.column_int64(4);
  b.refunded = st.column_int64(6);
  return b;
}

}  // namespace quittance::app::ledger
