// Patients and their billing contacts (« Facturé à »).
#include "app/args.h"
#include "app/command_error.h"
#include "core/email_address.h"
#include "app/ledger.h"
#include "app/registry.h"
#include "app/update_column.h"

namespace quittance::app {

namespace {

// An address invoices and reminders are sent to: one address or none, checked now rather than
// when the first email fails (a line break in it would also be a header injected into the
// message). An operation replayed from the log took it as it was then.
std::string optional_email(Context& ctx, const char* field) {
  std::string email = optional_string(ctx.cmd, field, 200);
  if (!email.empty() && !ctx.replaying && !core::valid_email_address(email)) {
    refuse("invalid_argument", std::string("\"") + field + "\" is not an email address", field);
  }
  return email;
}

}  // namespace

namespace {

Json patient_json(store::Statement& st) {
  return Json{{"patient_id", st.column_text(0)}, {"name", st.column_text(1)}, {"email", st.column_text(2)},
              {"phone", st.column_text(3)}, {"address", st.column_text(4)}, {"reminders", st.column_int64(5) != 0}};
}
constexpr const char* kPatientColumns = "id, name, email, phone, address, reminders";

Json patient_create(Context& ctx) {
  auto st = ctx.db.prepare(
      "INSERT INTO patients(id, name, email, phone, address, reminders, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  st.bind(1, ctx.command_id).bind(2, require_text(ctx.cmd, "name"));
  st.bind(3, optional_email(ctx, "email")).bind(4, optional_string(ctx.cmd, "phone", 40));
  st.bind(5, optional_string(ctx.cmd, "address", 500));
  st.bind(6, static_cast<std::int64_t>(optional_bool(ctx.cmd, "reminders", true)));
  st.bind(7, ctx.clock.now());
  st.step();
  return Json{{"patient_id", ctx.command_id}};
}

Json patient_update(Context& ctx) {
  std::string id = require_string(ctx.cmd, "patient_id", 64);
  ledger::require_patient(ctx.db, id);
  auto set = [&](const char* column, const auto& value) { update_column(ctx.db, "patients", id, column, value); };
  if (has(ctx.cmd, "name")) set("name", require_text(ctx.cmd, "name"));
  if (has(ctx.cmd, "email")) set("email", optional_email(ctx, "email"));
  if (has(ctx.cmd, "phone")) set("phone", optional_string(ctx.cmd, "phone", 40));
  if (has(ctx.cmd, "address")) set("address", optional_string(ctx.cmd, "address", 500));
  if (has(ctx.cmd, "reminders")) set("reminders", static_cast<std::int64_t>(optional_bool(ctx.cmd, "reminders", true)));
  return Json{{"patient_id", id}};
}

Json patient_get(Context& ctx) {
  std::string id = require_string(ctx.cmd, "patient_id", 64);
  auto st = ctx.db.prepare(std::string("SELECT ") + kPatientColumns + " FROM patients WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) refuse("not_found", "no patient \"" + id + "\"", "patient_id");
  Json p = patient_json(st);
  Json contacts = Json::array();
  auto c = ctx.db.prepare("SELECT id, name, relation, email, address FROM contacts WHERE patient_id = ?1 ORDER BY name");
  c.bind(1, id);
  while (c.step()) {
    contacts.push_back({{"contact_id", c.column_text(0)}, {"name", c.column_text(1)}, {"relation", c.column_text(2)},
                        {"email", c.column_text(3)}, {"address", c.column_text(4)}});
  }
  p["contacts"] = std::move(contacts);
  return p;
}

// Paged, ordered by name; "search" matches the start of any word of the name, accents and
// case ignored ("lef" finds « Marc Lefèvre »).
Json patient_list(Context& ctx) {
  const std::string search = fts_prefix_query(optional_string(ctx.cmd, "search", 100));
  const Page page = read_page(ctx.cmd);
  // ?1 is the search, or NULL for every patient.
  const std::string where = search.empty() ? "?1 IS NULL" : patient_name_match("id", 1);
  auto count = ctx.db.prepare("SELECT COUNT(*) FROM patients WHERE " + where);
  if (!search.empty()) count.bind(1, search); else count.bind_null(1);
  count.step();
  auto st = ctx.db.prepare(std::string("SELECT ") + kPatientColumns + " FROM patients WHERE " + where +
                           " ORDER BY name COLLATE NOCASE, id LIMIT ?2 OFFSET ?3");
  if (!search.empty()) st.bind(1, search); else st.bind_null(1);
  st.bind(2, page.limit).bind(3, page.offset);
  Json items = Json::array();
  while (st.step()) items.push_back(patient_json(st));
  return Json{{"total", count.column_int64(0)}, {"items", std::move(items)}};
}

Json contact_create(Context& ctx) {
  std::string patient = require_string(ctx.cmd, "patient_id", 64);
  ledger::require_patient(ctx.db, patient);
  auto st = ctx.db.prepare(
      "INSERT INTO contacts(id, patient_id, name, relation, email, address) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  st.bind(1, ctx.command_id).bind(2, patient).bind(3, require_text(ctx.cmd, "name"));
  st.bind(4, optional_string(ctx.cmd, "relation", 80)).bind(5, optional_string(ctx.cmd, "email", 200));
  st.bind(6, optional_string(ctx.cmd, "address", 500));
  st.step();
  return Json{{"contact_id", ctx.command_id}};
}

}  // namespace

void add_patient_commands(Registry& r) {
  using core::Permission;
  r.push_back({"patient.create", true, Permission::ManagePatients, patient_create});
  r.push_back({"patient.update", true, Permission::ManagePatients, patient_update});
  r.push_back({"patient.get", false, Permission::View, patient_get});
  r.push_back({"patient.list", false, Permission::View, patient_list});
  r.push_back({"contact.create", true, Permission::ManagePatients, contact_create});
}

}  // namespace quittance::app
