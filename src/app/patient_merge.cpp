// Archiving a patient's record, and merging two records made for one person
// (docs/commands.md, « Patients »): the books are never deleted, only moved to the record kept.
#include "app/patient_merge.h"

#include "app/args.h"
#include "app/command_error.h"
#include "app/ledger.h"
#include "app/registry.h"
#include "app/update_column.h"

namespace quittance::app {

namespace {

struct Record {
  std::string name, merged_into;
  bool archived = false;
};

Record read_record(store::Database& db, const std::string& id, const char* field) {
  auto st = db.prepare("SELECT name, merged_into, archived FROM patients WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) refuse("not_found", "no patient \"" + id + "\"", field);
  return {st.column_text(0), st.column_text(1), st.column_int64(2) != 0};
}

std::int64_t count_of(store::Database& db, const std::string& sql, const std::string& id) {
  auto st = db.prepare(sql);
  st.bind(1, id);
  st.step();
  return st.column_int64(0);
}

// Out of the list and search (archived true), or back in. A merged record stays archived: it
// is found through the one kept.
Json patient_archive(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "patient_id", 64);
  const Record r = read_record(ctx.db, id, "patient_id");
  const bool archived = optional_bool(ctx.cmd, "archived", true);
  if (!archived && !r.merged_into.empty() && !ctx.replaying) {
    refuse("merged", "« " + r.name + " » was merged into another record: open that one", "patient_id");
  }
  update_column(ctx.db, "patients", id, "archived", static_cast<std::int64_t>(archived));
  return Json{{"patient_id", id}, {"archived", archived}};
}

// What moves from the duplicate to the record kept: every row of the books and of the desk
// that names the patient. Each (table, label) pair comes from code.
constexpr std::pair<const char*, const char*> kMoved[] = {
    {"invoices", "invoices"},         {"credit_notes", "credit_notes"},
    {"payments", "payments"},         {"refunds", "refunds"},
    {"contacts", "contacts"},         {"payment_requests", "payment_requests"},
    {"appointments", "appointments"}, {"messages", "messages"},
    {"card_attempts", "card_attempts"},     {"document_emails", "document_emails"},
};

}  // namespace

std::int64_t rows_naming(store::Database& db, const std::string& patient_id) {
  std::int64_t n = 0;
  for (const auto& [table, label] : kMoved) {
    n += count_of(db, std::string("SELECT COUNT(*) FROM ") + table + " WHERE patient_id = ?1", patient_id);
  }
  return n;
}

namespace {

// The duplicate's details fill what the kept record lacks; the kept record's own win. Notes
// are put together, the duplicate's after, once: `first` is false when merging again.
void fill_blanks(store::Database& db, const std::string& kept, const std::string& duplicate, bool first) {
  for (const char* column : {"email", "phone", "address", "title", "birth_date"}) {
    auto st = db.prepare(std::string("UPDATE patients SET ") + column + " = (SELECT " + column +
                         " FROM patients WHERE id = ?2) WHERE id = ?1 AND " + column + " = ''");
    st.bind(1, kept).bind(2, duplicate);
    st.step();
  }
  if (!first) return;
  auto notes = db.prepare(
      "UPDATE patients SET notes = ltrim(notes || char(10) || (SELECT notes FROM patients WHERE id = ?2), char(10)) "
      "WHERE id = ?1 AND (SELECT notes FROM patients WHERE id = ?2) != ''");
  notes.bind(1, kept).bind(2, duplicate);
  notes.step();
}

// patient_id: the record kept; duplicate_id: the one merged into it, then archived and naming
// it. Merging again into the same record moves what reached the duplicate since (an invoice
// made offline on another device before it learnt of the merge).
Json patient_merge(Context& ctx) {
  const std::string kept = require_string(ctx.cmd, "patient_id", 64);
  const std::string duplicate = require_string(ctx.cmd, "duplicate_id", 64);
  const Record k = read_record(ctx.db, kept, "patient_id");
  const Record d = read_record(ctx.db, duplicate, "duplicate_id");
  if (kept == duplicate) refuse("invalid_argument", "a record cannot be merged into itself", "duplicate_id");
  if (!k.merged_into.empty()) {
    refuse("merged", "« " + k.name + " » was itself merged into another record: merge into that one", "patient_id");
  }
  if (!d.merged_into.empty() && d.merged_into != kept) {
    refuse("merged", "« " + d.name + " » was already merged into another record", "duplicate_id");
  }
  // A saved card belongs to the Stripe customer it was saved for, which is the duplicate's:
  // moved here, « Débiter la carte » would find no card on the server.
  if (count_of(ctx.db, "SELECT COUNT(*) FROM patient_cards WHERE patient_id = ?1", duplicate) > 0) {
    refuse("card_on_duplicate",
           "« " + d.name + " » has a saved card: remove it, or keep that record and merge the other into it",
           "duplicate_id");
  }
  Json moved = Json::object();
  for (const auto& [table, label] : kMoved) {
    const std::int64_t before = ctx.db.total_changes();
    auto st = ctx.db.prepare(std::string("UPDATE ") + table + " SET patient_id = ?1 WHERE patient_id = ?2");
    st.bind(1, kept).bind(2, duplicate);
    st.step();
    moved[label] = ctx.db.total_changes() - before;
  }
  fill_blanks(ctx.db, kept, duplicate, d.merged_into.empty());
  auto st = ctx.db.prepare("UPDATE patients SET archived = 1, merged_into = ?1 WHERE id = ?2");
  st.bind(1, kept).bind(2, duplicate);
  st.step();
  return Json{{"patient_id", kept}, {"duplicate_id", duplicate}, {"moved", std::move(moved)}};
}

}  // namespace

void add_patient_merge_commands(Registry& r) {
  using core::Permission;
  r.push_back({"patient.archive", true, Permission::ManagePatients, patient_archive});
  // It moves invoices, payments and credit notes: the roles that take payments.
  r.push_back({"patient.merge", true, Permission::TakePayments, patient_merge});
}

}  // namespace quittance::app
