// Patients and their billing contacts (« Facturé à »).
#include "app/args.h"
#include "app/command_error.h"
#include "core/date.h"
#include "core/email_address.h"
#include "core/text.h"
#include "app/ledger.h"
#include "app/patient_merge.h"
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

constexpr const char* kPatientColumns =
    "id, name, email, phone, address, reminders, title, first_name, last_name, birth_date, notes, archived, "
    "merged_into";

Json patient_json(store::Statement& st) {
  return Json{{"patient_id", st.column_text(0)},  {"name", st.column_text(1)},
              {"email", st.column_text(2)},       {"phone", st.column_text(3)},
              {"address", st.column_text(4)},     {"reminders", st.column_int64(5) != 0},
              {"title", st.column_text(6)},       {"first_name", st.column_text(7)},
              {"last_name", st.column_text(8)},   {"birth_date", st.column_text(9)},
              {"notes", st.column_text(10)},      {"archived", st.column_int64(11) != 0},
              {"merged_into", st.column_text(12)}};
}

// The civilité printed before the name on invoices and letters: « Mme », « M. » or none.
std::string optional_title(Context& ctx) {
  std::string title = optional_string(ctx.cmd, "title", 10);
  if (title != "" && title != "Mme" && title != "M." && !ctx.replaying) {
    refuse("invalid_argument", "\"title\" is \"Mme\", \"M.\" or \"\"", "title");
  }
  return title;
}

// A date of birth: YYYY-MM-DD, not in the future, or "" for none.
std::string optional_birth_date(Context& ctx) {
  const std::string text = optional_string(ctx.cmd, "birth_date", 10);
  if (text.empty() || ctx.replaying) return text;
  const std::optional<core::Date> d = core::parse_iso_date(text);
  if (!d) refuse("invalid_argument", "\"birth_date\" must be a date like \"1984-03-21\"", "birth_date");
  if (*d > ctx.clock.today()) {
    refuse("invalid_argument", "\"birth_date\" is in the future", "birth_date");
  }
  return text;
}

// The name shown and searched: « Prénom Nom » once either part is known, else the one given.
std::string display_name(const std::string& first, const std::string& last, const std::string& name) {
  if (first.empty() && last.empty()) return name;
  if (first.empty()) return last;
  if (last.empty()) return first;
  return first + " " + last;
}

// A name part as typed, without the spaces around it (« Léa » and « Martin », never « Léa  Martin »).
std::string name_part(const Json& cmd, const char* field) {
  return std::string(core::trim(optional_string(cmd, field, 100), " \t\r\n"));
}

Json patient_create(Context& ctx) {
  const std::string first = name_part(ctx.cmd, "first_name");
  const std::string last = name_part(ctx.cmd, "last_name");
  const std::string name = first.empty() && last.empty() ? require_text(ctx.cmd, "name")
                                                         : display_name(first, last, "");
  auto st = ctx.db.prepare(
      "INSERT INTO patients(id, name, email, phone, address, reminders, created_at, title, first_name, last_name, "
      "birth_date, notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  st.bind(1, ctx.command_id).bind(2, name);
  st.bind(3, optional_email(ctx, "email")).bind(4, optional_string(ctx.cmd, "phone", 40));
  st.bind(5, optional_string(ctx.cmd, "address", 500));
  st.bind(6, static_cast<std::int64_t>(optional_bool(ctx.cmd, "reminders", true)));
  st.bind(7, ctx.clock.now()).bind(8, optional_title(ctx)).bind(9, first).bind(10, last);
  st.bind(11, optional_birth_date(ctx)).bind(12, optional_string(ctx.cmd, "notes", 2000));
  st.step();
  return Json{{"patient_id", ctx.command_id}};
}

// Emails still to go to `old_address` for this patient go to the new one: a reminder planned
// before a typo was corrected follows the correction (the server re-plans it the same way).
// `contact_id` "" for the patient's own address, else the « Facturé à » payer's.
void retarget_mail(store::Database& db, const std::string& patient_id, const std::string& contact_id,
                   const std::string& old_address, const std::string& new_address) {
  if (old_address == new_address || old_address.empty()) return;
  // Failed ones too: a wrong address is the usual reason, and « Réessayer » sends to the new one.
  auto m = db.prepare(
      "UPDATE messages SET recipient = ?3 WHERE patient_id = ?1 AND state IN ('scheduled', 'failed') AND "
      "recipient = ?2 AND COALESCE((SELECT contact_id FROM invoices WHERE id = messages.invoice_id), '') = ?4");
  m.bind(1, patient_id).bind(2, old_address).bind(3, new_address).bind(4, contact_id);
  m.step();
  // A payment request's email not sent yet (an open request whose email the server has not
  // reported sent): one sent already keeps the address it went to.
  auto r = db.prepare(
      "UPDATE payment_requests SET recipient = ?3 WHERE patient_id = ?1 AND recipient = ?2 AND send_email = 1 AND "
      "state IN ('sent', 'opened', 'failed') AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.state = 'sent' AND "
      "m.id LIKE '%:' || payment_requests.id)");  // a request's email is "<template>:<request>"
  r.bind(1, patient_id).bind(2, old_address).bind(3, new_address);
  r.step();
}

std::string column_of(store::Database& db, const char* table, const char* column, const std::string& id) {
  auto st = db.prepare(std::string("SELECT ") + column + " FROM " + table + " WHERE id = ?1");
  st.bind(1, id);
  return st.step() ? st.column_text(0) : std::string();
}

Json patient_update(Context& ctx) {
  std::string id = require_string(ctx.cmd, "patient_id", 64);
  ledger::require_patient(ctx.db, id);
  auto set = [&](const char* column, const auto& value) { update_column(ctx.db, "patients", id, column, value); };
  if (has(ctx.cmd, "first_name") || has(ctx.cmd, "last_name")) {
    const std::string first = has(ctx.cmd, "first_name") ? name_part(ctx.cmd, "first_name")
                                                          : column_of(ctx.db, "patients", "first_name", id);
    const std::string last = has(ctx.cmd, "last_name") ? name_part(ctx.cmd, "last_name")
                                                        : column_of(ctx.db, "patients", "last_name", id);
    if (first.empty() && last.empty() && !has(ctx.cmd, "name")) {
      refuse("invalid_argument", "a patient keeps a first or a last name", "last_name");
    }
    set("first_name", first);
    set("last_name", last);
    set("name", display_name(first, last, has(ctx.cmd, "name") ? require_text(ctx.cmd, "name") : ""));
  } else if (has(ctx.cmd, "name")) {
    // A bare name replaces the parts it would otherwise be made of.
    set("name", require_text(ctx.cmd, "name"));
    set("first_name", std::string());
    set("last_name", std::string());
  }
  if (has(ctx.cmd, "email")) {
    const std::string email = optional_email(ctx, "email");
    retarget_mail(ctx.db, id, "", column_of(ctx.db, "patients", "email", id), email);
    set("email", email);
  }
  if (has(ctx.cmd, "phone")) set("phone", optional_string(ctx.cmd, "phone", 40));
  if (has(ctx.cmd, "address")) set("address", optional_string(ctx.cmd, "address", 500));
  if (has(ctx.cmd, "reminders")) set("reminders", static_cast<std::int64_t>(optional_bool(ctx.cmd, "reminders", true)));
  if (has(ctx.cmd, "title")) set("title", optional_title(ctx));
  if (has(ctx.cmd, "birth_date")) set("birth_date", optional_birth_date(ctx));
  if (has(ctx.cmd, "notes")) set("notes", optional_string(ctx.cmd, "notes", 2000));
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
  if (!p["merged_into"].get<std::string>().empty()) {
    p["merged_into_name"] = column_of(ctx.db, "patients", "name", p["merged_into"]);
    p["left_behind"] = rows_naming(ctx.db, id);
  }
  return p;
}

// Paged, ordered by name; "search" matches the start of any word of the name, accents and
// case ignored ("lef" finds « Marc Lefèvre »). Archived records only when "archived" is true
// (and then only them): the desk's list and search are of the patients it sees.
Json patient_list(Context& ctx) {
  const std::string search = fts_prefix_query(optional_string(ctx.cmd, "search", 100));
  const std::int64_t archived = optional_bool(ctx.cmd, "archived", false) ? 1 : 0;
  const Page page = read_page(ctx.cmd);
  // ?1 is the search, or NULL for every patient; ?4 archived or not.
  const std::string where =
      (search.empty() ? std::string("?1 IS NULL") : patient_name_match("id", 1)) + " AND archived = ?4";
  auto count = ctx.db.prepare("SELECT COUNT(*) FROM patients WHERE " + where);
  if (!search.empty()) count.bind(1, search); else count.bind_null(1);
  count.bind(4, archived);
  count.step();
  auto st = ctx.db.prepare(std::string("SELECT ") + kPatientColumns + " FROM patients WHERE " + where +
                           " ORDER BY name COLLATE NOCASE, id LIMIT ?2 OFFSET ?3");
  if (!search.empty()) st.bind(1, search); else st.bind_null(1);
  st.bind(2, page.limit).bind(3, page.offset).bind(4, archived);
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
  st.bind(4, optional_string(ctx.cmd, "relation", 80)).bind(5, optional_email(ctx, "email"));
  st.bind(6, optional_string(ctx.cmd, "address", 500));
  st.step();
  return Json{{"contact_id", ctx.command_id}};
}

Json contact_update(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "contact_id", 64);
  auto st = ctx.db.prepare("SELECT patient_id, email FROM contacts WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) refuse("not_found", "no billing contact \"" + id + "\"", "contact_id");
  const std::string patient = st.column_text(0), old_email = st.column_text(1);
  auto set = [&](const char* column, const auto& value) { update_column(ctx.db, "contacts", id, column, value); };
  if (has(ctx.cmd, "name")) set("name", require_text(ctx.cmd, "name"));
  if (has(ctx.cmd, "relation")) set("relation", optional_string(ctx.cmd, "relation", 80));
  if (has(ctx.cmd, "address")) set("address", optional_string(ctx.cmd, "address", 500));
  if (has(ctx.cmd, "email")) {
    const std::string email = optional_email(ctx, "email");
    retarget_mail(ctx.db, patient, id, old_email, email);
    set("email", email);
  }
  return Json{{"contact_id", id}};
}

}  // namespace

void add_patient_commands(Registry& r) {
  using core::Permission;
  r.push_back({"patient.create", true, Permission::ManagePatients, patient_create});
  r.push_back({"patient.update", true, Permission::ManagePatients, patient_update});
  r.push_back({"patient.get", false, Permission::View, patient_get});
  r.push_back({"patient.list", false, Permission::View, patient_list});
  r.push_back({"contact.create", true, Permission::ManagePatients, contact_create});
  r.push_back({"contact.update", true, Permission::ManagePatients, contact_update});
}

}  // namespace quittance::app
