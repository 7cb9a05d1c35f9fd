// Invoices: drafts (create, update, delete), issue (numbered, frozen), cancel (by a credit
// note, never deleted), and the invoice queries.
#include <algorithm>

#include "app/appointments.h"
#include "app/args.h"
#include "app/invoice_handlers.h"
#include "app/command_error.h"
#include "app/frozen_documents.h"
#include "app/ledger.h"
#include "app/lines.h"
#include "app/numbers.h"
#include "app/registry.h"
#include "app/settings_keys.h"
#include "app/update_column.h"
#include "core/invoice_status.h"

namespace quittance::app {

namespace {

void check_contact(store::Database& db, const std::string& patient_id, const std::string& contact_id) {
  auto st = db.prepare("SELECT patient_id FROM contacts WHERE id = ?1");
  st.bind(1, contact_id);
  if (!st.step()) refuse("not_found", "no contact \"" + contact_id + "\"", "contact_id");
  if (st.column_text(0) != patient_id) refuse("wrong_patient", "the contact belongs to another patient", "contact_id");
}

ledger::Invoice require_draft(store::Database& db, const std::string& id) {
  ledger::Invoice inv = ledger::require_invoice(db, id);
  if (inv.state != "draft") refuse("invoice_not_draft", "an issued invoice cannot be changed: cancel it with a credit note", "invoice_id");
  return inv;
}

}  // namespace

Json invoice_create(Context& ctx) {
  std::string patient = require_string(ctx.cmd, "patient_id", 64);
  ledger::require_patient(ctx.db, patient);
  std::string contact = optional_string(ctx.cmd, "contact_id", 64);
  if (!contact.empty()) check_contact(ctx.db, patient, contact);
  std::vector<Line> lines = read_lines(ctx, require_array(ctx.cmd, "lines"));
  core::DocumentTotals t = totals_of(lines);
  auto st = ctx.db.prepare(
      "INSERT INTO invoices(id, patient_id, contact_id, state, currency, net, tax, total, status, notes, created_at) "
      "VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, ?7, 'draft', ?8, ?9)");
  st.bind(1, ctx.command_id).bind(2, patient);
  if (contact.empty()) st.bind_null(3); else st.bind(3, contact);
  st.bind(4, ledger::practice_currency(ctx.db)).bind(5, t.net).bind(6, t.tax).bind(7, t.total);
  st.bind(8, optional_string(ctx.cmd, "notes", 4000)).bind(9, ctx.clock.now());
  st.step();
  store_lines(ctx.db, "invoice_lines", "invoice_id", ctx.command_id, lines);
  return Json{{"invoice_id", ctx.command_id}, {"total", t.total}};
}

Json invoice_update(Context& ctx) {
  std::string id = require_string(ctx.cmd, "invoice_id", 64);
  ledger::Invoice inv = require_draft(ctx.db, id);
  if (has(ctx.cmd, "contact_id")) {  // "" bills the patient again
    std::string contact = optional_string(ctx.cmd, "contact_id", 64);
    if (contact.empty()) {
      auto st = ctx.db.prepare("UPDATE invoices SET contact_id = NULL WHERE id = ?1");
      st.bind(1, id);
      st.step();
    } else {
      check_contact(ctx.db, inv.patient_id, contact);
      update_column(ctx.db, "invoices", id, "contact_id", contact);
    }
  }
  if (has(ctx.cmd, "notes")) update_column(ctx.db, "invoices", id, "notes", optional_string(ctx.cmd, "notes", 4000));
  std::int64_t total = inv.total;
  if (has(ctx.cmd, "lines")) {
    std::vector<Line> lines = read_lines(ctx, require_array(ctx.cmd, "lines"));
    core::DocumentTotals t = totals_of(lines);
    store_lines(ctx.db, "invoice_lines", "invoice_id", id, lines);
    auto st = ctx.db.prepare("UPDATE invoices SET net = ?2, tax = ?3, total = ?4 WHERE id = ?1");
    st.bind(1, id).bind(2, t.net).bind(3, t.tax).bind(4, t.total);
    st.step();
    total = t.total;
  }
  return Json{{"invoice_id", id}, {"total", total}};
}

Json invoice_delete(Context& ctx) {
  std::string id = require_string(ctx.cmd, "invoice_id", 64);
  require_draft(ctx.db, id);
  auto st = ctx.db.prepare("DELETE FROM invoices WHERE id = ?1");  // lines cascade
  st.bind(1, id);
  st.step();
  return Json{{"invoice_id", id}, {"deleted", true}};
}

Json invoice_issue(Context& ctx) {
  std::string id = require_string(ctx.cmd, "invoice_id", 64);
  require_draft(ctx.db, id);
  core::Date on = has(ctx.cmd, "issued_on") ? require_date(ctx.cmd, "issued_on") : ctx.clock.today();
  std::string number = next_document_number(ctx.db, ctx.series, core::DocumentKind::Invoice, on);
  // issued_at: the instant, for reminders counted in hours (replayed with the op's own instant).
  auto st = ctx.db.prepare(
      "UPDATE invoices SET state = 'issued', number = ?2, issued_on = ?3, issued_at = ?4 WHERE id = ?1");
  st.bind(1, id).bind(2, number).bind(3, core::format_iso(on)).bind(4, ctx.clock.now());
  st.step();
  freeze_invoice(ctx.db, id);  // what it prints, as it is now, for good
  ledger::refresh_invoice(ctx.db, id);
  appointments::after_invoice_issued(ctx, id);  // an appointment's: what was paid at booking goes on it
  return Json{{"invoice_id", id}, {"number", number}, {"issued_on", core::format_iso(on)}};
}

// Cancels an issued invoice: every allocation on it is released (payments go back to account
// credit), and a credit note for its total, marked as cancelling it, settles it.
Json invoice_cancel(Context& ctx) {
  std::string id = require_string(ctx.cmd, "invoice_id", 64);
  std::string reason = require_text(ctx.cmd, "reason", 500);
  ledger::Invoice inv = ledger::require_invoice(ctx.db, id);
  if (inv.state == "draft") refuse("invoice_not_issued", "a draft is deleted, not cancelled", "invoice_id");
  if (inv.state == "cancelled") refuse("invoice_cancelled", "the invoice is already cancelled", "invoice_id");
  ledger::release_invoice(ctx.db, id, ledger::SourceKind::Payment);
  ledger::release_invoice(ctx.db, id, ledger::SourceKind::CreditNote);

  core::Date on = ctx.clock.today();
  std::string number = next_document_number(ctx.db, ctx.series, core::DocumentKind::CreditNote, on);
  std::vector<Line> lines = load_lines(ctx.db, "invoice_lines", "invoice_id", id);
  core::DocumentTotals t = totals_of(lines);
  auto st = ctx.db.prepare(
      "INSERT INTO credit_notes(id, patient_id, invoice_id, cancels, number, issued_on, currency, net, tax, total, "
      "note, internal_note, created_at) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10, '', ?11)");
  st.bind(1, ctx.command_id).bind(2, inv.patient_id).bind(3, id).bind(4, number).bind(5, core::format_iso(on));
  st.bind(6, inv.currency).bind(7, t.net).bind(8, t.tax).bind(9, t.total).bind(10, reason).bind(11, ctx.clock.now());
  st.step();
  store_lines(ctx.db, "credit_note_lines", "credit_note_id", ctx.command_id, lines);
  freeze_credit_note(ctx.db, ctx.command_id);
  if (t.total > 0) {
    ledger::allocate(ctx.db, id, ledger::require_source(ctx.db, ledger::SourceKind::CreditNote, ctx.command_id), t.total,
                     ctx.command_id);
  }
  update_column(ctx.db, "invoices", id, "state", std::string("cancelled"));
  ledger::refresh_invoice(ctx.db, id);
  return Json{{"invoice_id", id}, {"credit_note_id", ctx.command_id}, {"credit_note_number", number}};
}

namespace {

constexpr const char* kListColumns =
    "i.id, COALESCE(i.number, ''), i.patient_id, p.name, COALESCE(i.issued_on, ''), i.total, i.settled, i.status, "
    "i.currency, i.state";

Json invoice_row(store::Statement& st) {
  const std::string state = st.column_text(9);
  const std::int64_t total = st.column_int64(5), settled = st.column_int64(6);
  return Json{{"invoice_id", st.column_text(0)}, {"number", st.column_text(1)}, {"patient_id", st.column_text(2)},
              {"patient_name", st.column_text(3)}, {"issued_on", st.column_text(4)}, {"total", total},
              {"settled", settled}, {"due", state == "issued" ? total - settled : 0}, {"status", st.column_text(7)},
              {"currency", st.column_text(8)}};
}

}  // namespace

Json invoice_get(Context& ctx) {
  std::string id = require_string(ctx.cmd, "invoice_id", 64);
  auto st = ctx.db.prepare(std::string("SELECT ") + kListColumns +
                           ", i.net, i.tax, i.notes, COALESCE(i.contact_id, '') FROM invoices i "
                           "JOIN patients p ON p.id = i.patient_id WHERE i.id = ?1");
  st.bind(1, id);
  if (!st.step()) refuse("not_found", "no invoice \"" + id + "\"", "invoice_id");
  Json inv = invoice_row(st);
  inv["net"] = st.column_int64(10);
  inv["tax"] = st.column_int64(11);
  inv["notes"] = st.column_text(12);
  inv["contact_id"] = st.column_text(13);
  inv["lines"] = lines_json(ctx.db, "invoice_lines", "invoice_id", id);
  Json allocations = Json::array();
  auto a = ctx.db.prepare(
      "SELECT a.source_kind, a.source_id, a.amount, COALESCE(p.paid_on, c.issued_on), "
      "COALESCE(t.label, 'Appliquer un avoir'), COALESCE(c.number, '') FROM allocations a "
      "LEFT JOIN payments p ON a.source_kind = 'payment' AND p.id = a.source_id "
      "LEFT JOIN payment_types t ON t.id = p.payment_type_id "
      "LEFT JOIN credit_notes c ON a.source_kind = 'credit_note' AND c.id = a.source_id "
      "WHERE a.invoice_id = ?1 AND a.reversed = 0 ORDER BY a.id");
  a.bind(1, id);
  while (a.step()) {
    allocations.push_back({{"source_kind", a.column_text(0)}, {"source_id", a.column_text(1)},
                           {"amount", a.column_int64(2)}, {"date", a.column_text(3)}, {"type", a.column_text(4)},
                           {"credit_note_number", a.column_text(5)}});
  }
  inv["allocations"] = std::move(allocations);
  return inv;
}

// The practice's identity and mentions, as a document shows them.
Json practice_block(store::Database& db) {
  Json practice = Json::object();
  for (const char* key : {"name", "address", "siret", "email", "rpps", "adeli", "ei_mention", "vat_mention", "cgv_url",
                          "cancellation_terms"}) {
    practice[key] = setting_or_default(db, std::string("practice.") + key);
  }
  return practice;
}

// Who a document is addressed to: its « Facturé à » payer (contact_id), else the patient with
// the civilité the record gives (« Mme Léa Martin »).
Json bill_to_block(store::Database& db, const std::string& contact, const std::string& patient,
                   const std::string& patient_name) {
  auto st = contact.empty() ? db.prepare("SELECT ltrim(title || ' ' || name), address, email FROM patients WHERE id = ?1")
                            : db.prepare("SELECT name, address, email FROM contacts WHERE id = ?1");
  st.bind(1, contact.empty() ? patient : contact);
  if (st.step()) return {{"name", st.column_text(0)}, {"address", st.column_text(1)}, {"email", st.column_text(2)}};
  return {{"name", patient_name}, {"address", ""}, {"email", ""}};
}

namespace {

// Everything an invoice's PDF shows (pdf/invoice_pdf.h): the invoice, the practice's identity
// and mentions, and who is billed (its « Facturé à » payer, else the patient).
// « Acquittée le … par … »: the day the invoice was settled (its last allocation's date) and
// the ways it was paid, in the order they came.
Json receipt_block(const Json& invoice) {
  std::string paid_on;
  Json methods = Json::array();
  for (const Json& a : invoice["allocations"]) {
    paid_on = std::max(paid_on, a.value("date", std::string()));
    const std::string method = a.value("credit_note_number", std::string()).empty()
                                   ? a.value("type", std::string())
                                   : "avoir " + a.value("credit_note_number", std::string());
    if (std::find(methods.begin(), methods.end(), Json(method)) == methods.end()) methods.push_back(method);
  }
  return Json{{"paid_on", paid_on}, {"methods", std::move(methods)}};
}

// An issued invoice prints what was frozen at issue (app/frozen_documents.h). With `receipt`,
// the « facture acquittée » a patient sends their mutuelle: only for an invoice paid in full.
Json invoice_document(Context& ctx) {
  const bool receipt = optional_bool(ctx.cmd, "receipt", false);
  Json invoice = invoice_get(ctx);
  if (receipt && (invoice.value("status", "") != "paid" || invoice.value("due", std::int64_t{1}) != 0)) {
    refuse("invoice_not_paid", "a receipt is for an invoice paid in full", "invoice_id");
  }
  auto st = ctx.db.prepare("SELECT frozen FROM invoices WHERE id = ?1");
  st.bind(1, invoice.value("invoice_id", ""));
  const std::string frozen = st.step() ? st.column_text(0) : std::string();
  PrintedParties printed = printed_parties(ctx.db, frozen, invoice.value("contact_id", ""),
                                           invoice.value("patient_id", ""), invoice.value("patient_name", ""));
  invoice["patient_name"] = printed.patient_name;
  Json doc = {{"kind", "invoice"}, {"practice", std::move(printed.practice)}, {"bill_to", std::move(printed.bill_to)}};
  if (receipt) doc["receipt"] = receipt_block(invoice);
  doc["invoice"] = std::move(invoice);
  return doc;
}

// A credit note's PDF: the same blocks, its lines and totals, the invoice it corrects (to the
// payer of that invoice), and where its credit went.
Json credit_note_document(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "credit_note_id", 64);
  auto st = ctx.db.prepare(
      "SELECT c.number, c.issued_on, c.currency, c.net, c.tax, c.total, c.used, c.note, c.cancels, c.patient_id, "
      "p.name, COALESCE(i.number, ''), COALESCE(i.issued_on, ''), COALESCE(i.contact_id, ''), c.frozen FROM credit_notes c "
      "JOIN patients p ON p.id = c.patient_id LEFT JOIN invoices i ON i.id = c.invoice_id WHERE c.id = ?1");
  st.bind(1, id);
  if (!st.step()) refuse("not_found", "no credit note \"" + id + "\"", "credit_note_id");
  Json note = {{"credit_note_id", id},           {"number", st.column_text(0)},     {"issued_on", st.column_text(1)},
               {"currency", st.column_text(2)},  {"net", st.column_int64(3)},       {"tax", st.column_int64(4)},
               {"total", st.column_int64(5)},    {"used", st.column_int64(6)},      {"notes", st.column_text(7)},
               {"cancels", st.column_int64(8) != 0}, {"patient_id", st.column_text(9)},
               {"patient_name", st.column_text(10)}, {"invoice_number", st.column_text(11)},
               {"invoice_issued_on", st.column_text(12)}};
  note["available"] = note["total"].get<std::int64_t>() - note["used"].get<std::int64_t>();
  note["lines"] = lines_json(ctx.db, "credit_note_lines", "credit_note_id", id);
  Json applied = Json::array();
  auto a = ctx.db.prepare(
      "SELECT i.number, a.amount FROM allocations a JOIN invoices i ON i.id = a.invoice_id "
      "WHERE a.source_kind = 'credit_note' AND a.source_id = ?1 AND a.reversed = 0 ORDER BY a.id");
  a.bind(1, id);
  while (a.step()) applied.push_back({{"invoice_number", a.column_text(0)}, {"amount", a.column_int64(1)}});
  note["applied"] = std::move(applied);
  PrintedParties printed =
      printed_parties(ctx.db, st.column_text(14), st.column_text(13), note["patient_id"], note["patient_name"]);
  note["patient_name"] = printed.patient_name;
  return Json{{"kind", "credit_note"}, {"practice", std::move(printed.practice)}, {"bill_to", std::move(printed.bill_to)},
              {"credit_note", std::move(note)}};
}

// The orders of the invoices table's columns. Each has an index that gives it without sorting
// (dates: invoices_by_status|patient|date; numbers: their unique index; total and due: schema
// 5; patients: patients_by_name, then each one's invoices by date): a deep page of 100,000
// invoices costs what the first does, whichever column was clicked.
struct ListOrder {
  const char* name;
  const char* from;     // the tables the page is cut from
  const char* columns;  // ORDER BY, ascending; each column gets the direction
};
constexpr ListOrder kOrders[] = {
    {"date", "invoices i", "i.issued_on|i.id"},
    {"number", "invoices i", "i.number|i.rowid"},
    {"total", "invoices i", "i.total|i.rowid"},
    {"due", "invoices i", "i.total - i.settled|i.rowid"},
    {"patient", "patients p CROSS JOIN invoices i ON i.patient_id = p.id",
     "p.name COLLATE NOCASE|p.rowid|i.issued_on|i.id"},
};

std::string order_by(const ListOrder& order, bool descending) {
  std::string out = " ORDER BY ", columns = order.columns;
  for (std::size_t start = 0; start <= columns.size();) {
    std::size_t end = columns.find('|', start);
    if (end == std::string::npos) end = columns.size();
    if (start > 0) out += ", ";
    out += columns.substr(start, end - start) + (descending ? " DESC" : " ASC");
    start = end + 1;
  }
  return out;
}

// Paged list with filters: status, patient_id, from/to (issue dates), search (a number prefix
// or the start of words of the patient's name), in the order of `sort` (kOrders; by date
// newest first, drafts (no date yet) last, unless told otherwise).
Json invoice_list(Context& ctx) {
  std::string where = "1";
  std::vector<std::string> args;
  auto add = [&](const std::string& clause, const std::string& value) {
    args.push_back(value);
    where += " AND " + clause + std::to_string(args.size());
  };
  if (has(ctx.cmd, "status")) {
    std::string status = require_string(ctx.cmd, "status", 20);
    if (!core::invoice_status_from_string(status)) {
      refuse("invalid_argument", "status must be draft, due, partly_paid, paid or cancelled", "status");
    }
    add("i.status = ?", status);
  }
  if (has(ctx.cmd, "patient_id")) add("i.patient_id = ?", require_string(ctx.cmd, "patient_id", 64));
  if (has(ctx.cmd, "from")) add("i.issued_on >= ?", core::format_iso(require_date(ctx.cmd, "from")));
  if (has(ctx.cmd, "to")) add("i.issued_on <= ?", core::format_iso(require_date(ctx.cmd, "to")));
  const std::string search = optional_string(ctx.cmd, "search", 100);
  if (!fts_prefix_query(search).empty()) {
    // A number prefix as a range on the unique index of numbers (LIKE could not use it), or
    // words of the patient's name. Each clause only where it can match: « Fa » is no number
    // (numbers start « F-»), « F-2026 » no name. With the name alone, SQLite reads the matches
    // from invoices_by_patient, which holds the date order too, without a table read each.
    std::string upper = search;
    for (char& ch : upper) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
    const std::string number_start = std::string(core::prefix_of(core::DocumentKind::Invoice)) + "-";
    const bool starts_number = upper.compare(0, number_start.size(), number_start) == 0;  // « F-… »
    const bool number = starts_number || number_start.compare(0, upper.size(), upper) == 0;  // or « F »
    const bool name = !starts_number;
    std::vector<std::string> clauses;
    if (number) {
      args.push_back(upper);
      const std::string u = std::to_string(args.size());
      clauses.push_back("(i.number >= ?" + u + " AND i.number < ?" + u + " || x'ff')");
    }
    if (name) {
      args.push_back(fts_prefix_query(search));
      clauses.push_back(patient_name_match("i.patient_id", static_cast<int>(args.size())));
    }
    where += " AND (" + clauses.front() + (clauses.size() > 1 ? " OR " + clauses.back() : "") + ")";
  }
  const Page page = read_page(ctx.cmd);
  const ListOrder* sort = &kOrders[0];
  if (has(ctx.cmd, "sort")) {
    const std::string name = require_string(ctx.cmd, "sort", 20);
    sort = nullptr;
    for (const ListOrder& o : kOrders) {
      if (name == o.name) sort = &o;
    }
    if (!sort) refuse("invalid_argument", "sort must be date, number, total, due or patient", "sort");
  }
  bool descending = true;
  if (has(ctx.cmd, "order")) {
    const std::string order = require_string(ctx.cmd, "order", 10);
    if (order != "asc" && order != "desc") refuse("invalid_argument", "order must be asc or desc", "order");
    descending = order == "desc";
  }
  auto bind_all = [&](store::Statement& st) {
    for (std::size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
  };
  // A broad search counts every match (a tenth of the invoices' index per letter typed): a
  // caller drawing as the user types asks to stop counting at `count_up_to` and counts
  // exactly once the typing pauses.
  std::int64_t count_up_to = 0;
  if (has(ctx.cmd, "count_up_to")) {
    const Json& cap = ctx.cmd["count_up_to"];
    if (!cap.is_number_integer() || cap.get<std::int64_t>() < 1) {
      refuse("invalid_argument", "count_up_to must be a positive integer", "count_up_to");
    }
    count_up_to = cap.get<std::int64_t>();
  }
  // Filtered by status alone, or not at all: the total is the counts table's (migration 15),
  // kept in step with every write, rather than ~100,000 index entries counted for each page.
  const bool by_status_only = has(ctx.cmd, "status") ? args.size() == 1 : args.empty();
  auto count = ctx.db.prepare(by_status_only
                                  ? std::string("SELECT COALESCE(SUM(n), 0) FROM invoice_counts") +
                                        (args.empty() ? "" : " WHERE status = ?1")
                              : count_up_to > 0 ? "SELECT COUNT(*) FROM (SELECT 1 FROM invoices i WHERE " + where +
                                                      " LIMIT " + std::to_string(count_up_to) + ")"
                                                : "SELECT COUNT(*) FROM invoices i WHERE " + where);
  bind_all(count);
  count.step();
  const std::int64_t matches = count.column_int64(0);
  const bool exact = by_status_only || count_up_to == 0 || matches < count_up_to;
  // Which way to find the page. SQLite collects every match and sorts them, which is right for a
  // narrow search (a patient's name) and slow for a broad one (« F-2026 » matches every invoice
  // of the year: sorting them all takes a third of a second in the browser). Walking an index
  // already in date order and filtering costs about (offset + limit) × invoices / matches rows,
  // so it is taken when that is less than the matches a sort would read.
  std::string walk;
  if (sort == &kOrders[0] && !search.empty() && !has(ctx.cmd, "patient_id") && matches > 0) {
    auto size = ctx.db.prepare("SELECT COALESCE(MAX(rowid), 0) FROM invoices");  // about the table's size, at once
    size.step();
    const double walked = static_cast<double>(page.offset + page.limit) * static_cast<double>(size.column_int64(0)) /
                          static_cast<double>(matches);
    if (!exact || walked < static_cast<double>(matches)) {  // more matches than counted: broad
      walk = has(ctx.cmd, "status") ? " INDEXED BY invoices_by_status" : " INDEXED BY invoices_by_date";
    }
  }
  // The page is cut on an index first (rowids only, no table reads for the skipped rows), then
  // only its rows are read and joined: a deep page costs what a first page does. CROSS JOIN
  // keeps SQLite from reordering the join into a scan.
  const std::string order = order_by(*sort, descending);
  std::string from = sort->from;
  if (!walk.empty()) from += walk;
  auto st = ctx.db.prepare(std::string("SELECT ") + kListColumns + " FROM (SELECT i.rowid AS r FROM " + from + " WHERE " +
                           where + order + " LIMIT ?" + std::to_string(args.size() + 1) + " OFFSET ?" +
                           std::to_string(args.size() + 2) +
                           ") pg CROSS JOIN invoices i ON i.rowid = pg.r JOIN patients p ON p.id = i.patient_id" +
                           order);
  bind_all(st);
  st.bind(static_cast<int>(args.size() + 1), page.limit).bind(static_cast<int>(args.size() + 2), page.offset);
  Json items = Json::array();
  while (st.step()) items.push_back(invoice_row(st));
  return Json{{"total", matches}, {"total_exact", exact}, {"items", std::move(items)}};
}

}  // namespace

void add_invoice_commands(Registry& r) {
  using core::Permission;
  r.push_back({"invoice.create", true, Permission::WriteInvoices, invoice_create});
  r.push_back({"invoice.update", true, Permission::WriteInvoices, invoice_update});
  r.push_back({"invoice.delete", true, Permission::WriteInvoices, invoice_delete});
  r.push_back({"invoice.issue", true, Permission::WriteInvoices, invoice_issue});
  r.push_back({"invoice.cancel", true, Permission::TakePayments, invoice_cancel});
  r.push_back({"invoice.get", false, Permission::View, invoice_get});
  r.push_back({"invoice.document", false, Permission::View, invoice_document});
  r.push_back({"credit_note.document", false, Permission::View, credit_note_document});
  r.push_back({"invoice.list", false, Permission::View, invoice_list});
}

}  // namespace quittance::app
