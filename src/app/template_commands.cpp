// Billing email templates (seed 001; docs/emails.md). The server reads them from the clinic's
// books and sends; here they are written, checked and listed.
//   template.save        create (no template_id: the command id) or edit. A system template's
//                        settings are fixed: only its subject, body and active flag change.
//   template.set_active  on/off; turning it on dates it (active_since), and it concerns only
//                        invoices issued from then on
//   template.delete      a clinic's own template (a system one is refused: deactivate it)
//   template.list
#include "app/args.h"
#include "app/command_error.h"
#include "app/registry.h"
#include "core/message_template.h"
#include "core/schedule.h"

namespace quittance::app {

namespace {

// The system templates sent with each request or document that asks for them, never per
// invoice: « Demande de paiement », « Attestation de paiement », « Relevé de compte ». They have
// no on/off (turned on, the scheduler would take them for invoice emails).
bool sent_on_request(const std::string& system_key) {
  return system_key == "payment_request" || system_key == "attestation" || system_key == "statement";
}

constexpr std::size_t kMaxBody = 20000;

std::string checked_text(const Json& cmd, const char* field, std::size_t max_bytes) {
  std::string text = require_text(cmd, field, max_bytes);
  const core::TemplateCheck check = core::check_template(text);
  if (!check.ok && check.unclosed) {
    refuse("template_unclosed_field", "\"{{\" is not closed: " + check.field, field);
  }
  if (!check.ok) refuse("template_unknown_field", "unknown field {{" + check.field + "}}", field);
  return text;
}

struct Row {
  std::string system_key;
  bool active = false;
};

std::optional<Row> find(store::Database& db, const std::string& id) {
  auto st = db.prepare("SELECT system_key, active FROM message_templates WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return Row{st.column_text(0), st.column_int64(1) != 0};
}

Row require_template(store::Database& db, const std::string& id) {
  std::optional<Row> row = find(db, id);
  if (!row) refuse("not_found", "no template \"" + id + "\"", "template_id");
  return *row;
}

void set_active(Context& ctx, const std::string& id, bool was, bool active) {
  if (was == active) return;
  auto st = ctx.db.prepare(
      "UPDATE message_templates SET active = ?2, active_since = CASE WHEN ?2 THEN ?3 ELSE active_since END WHERE id = ?1");
  st.bind(1, id).bind(2, std::int64_t{active}).bind(3, ctx.clock.now());
  st.step();
}

Json template_save(Context& ctx) {
  const bool editing = has(ctx.cmd, "template_id");
  const std::string id = editing ? require_string(ctx.cmd, "template_id", 64) : ctx.command_id;
  const std::optional<Row> row = editing ? std::optional<Row>(require_template(ctx.db, id)) : std::nullopt;
  const std::string subject = checked_text(ctx.cmd, "subject", 300);
  const std::string body = checked_text(ctx.cmd, "body", kMaxBody);
  const bool active = optional_bool(ctx.cmd, "active", row ? row->active : false);
  if (row && !row->system_key.empty()) {
    for (const char* fixed : {"name", "delay_amount", "delay_unit", "attach_pdf"}) {
      if (has(ctx.cmd, fixed)) refuse("system_template_fixed", "a system template's settings are fixed", fixed);
    }
    if (sent_on_request(row->system_key) && active != row->active)
      refuse("system_template_fixed", "this email is sent with each request or document that asks for it", "active");
    auto st = ctx.db.prepare("UPDATE message_templates SET subject = ?2, body = ?3 WHERE id = ?1");
    st.bind(1, id).bind(2, subject).bind(3, body);
    st.step();
    set_active(ctx, id, row->active, active);
    return Json{{"template_id", id}};
  }
  const std::string name = require_text(ctx.cmd, "name", 120);
  if (!has(ctx.cmd, "delay_amount") || !ctx.cmd["delay_amount"].is_number_integer()) {
    refuse("invalid_argument", "\"delay_amount\" must be a whole number", "delay_amount");
  }
  const std::int64_t amount = ctx.cmd["delay_amount"].get<std::int64_t>();
  const std::optional<core::DelayUnit> unit = core::delay_unit_from_string(require_string(ctx.cmd, "delay_unit", 10));
  if (!unit) refuse("invalid_argument", "\"delay_unit\" must be hours, days or months", "delay_unit");
  if (amount < 0 || amount > core::kMaxDelay[static_cast<int>(*unit)]) {
    refuse("template_delay_out_of_range", "the delay must be between 0 and " +
                                              std::to_string(core::kMaxDelay[static_cast<int>(*unit)]), "delay_amount");
  }
  const bool attach = optional_bool(ctx.cmd, "attach_pdf", true);
  auto st = ctx.db.prepare(
      row ? "UPDATE message_templates SET name = ?2, subject = ?3, body = ?4, attach_pdf = ?5, delay_amount = ?6, "
            "delay_unit = ?7 WHERE id = ?1"
          : "INSERT INTO message_templates(id, name, subject, body, attach_pdf, delay_amount, delay_unit) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  st.bind(1, id).bind(2, name).bind(3, subject).bind(4, body).bind(5, std::int64_t{attach}).bind(6, amount);
  st.bind(7, std::string(core::to_string(*unit)));
  st.step();
  set_active(ctx, id, row ? row->active : false, active);
  return Json{{"template_id", id}};
}

Json template_set_active(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "template_id", 64);
  const Row row = require_template(ctx.db, id);
  if (!has(ctx.cmd, "active") || !ctx.cmd["active"].is_boolean()) {
    refuse("invalid_argument", "\"active\" must be true or false", "active");
  }
  if (sent_on_request(row.system_key) && ctx.cmd["active"].get<bool>() != row.active) {
    refuse("system_template_fixed", "this email is sent with each request or document that asks for it", "active");
  }
  set_active(ctx, id, row.active, ctx.cmd["active"].get<bool>());
  return Json{{"template_id", id}, {"active", ctx.cmd["active"]}};
}

Json template_delete(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "template_id", 64);
  if (!require_template(ctx.db, id).system_key.empty()) {
    refuse("system_template_fixed", "a system template cannot be deleted; deactivate it", "template_id");
  }
  auto st = ctx.db.prepare("DELETE FROM message_templates WHERE id = ?1");
  st.bind(1, id);
  st.step();
  return Json{{"template_id", id}, {"deleted", true}};
}

Json template_list(Context& ctx) {
  auto st = ctx.db.prepare(
      "SELECT id, system_key, name, subject, body, attach_pdf, delay_amount, delay_unit, active, "
      "COALESCE(active_since, '') FROM message_templates ORDER BY system_key = '', delay_unit = 'months', "
      "delay_unit = 'days', delay_amount, name");
  Json items = Json::array();
  while (st.step()) {
    items.push_back({{"template_id", st.column_text(0)},
                     {"system", !st.column_text(1).empty()},
                     {"with_requests", sent_on_request(st.column_text(1))},  // no on/off: sent per request or document
                     {"with_documents", st.column_text(1) == "attestation" || st.column_text(1) == "statement"},
                     {"name", st.column_text(2)},
                     {"subject", st.column_text(3)},
                     {"body", st.column_text(4)},
                     {"attach_pdf", st.column_int64(5) != 0},
                     {"delay_amount", st.column_int64(6)},
                     {"delay_unit", st.column_text(7)},
                     {"active", st.column_int64(8) != 0},
                     {"active_since", st.column_text(9)}});
  }
  Json fields = Json::array();
  for (const core::TemplateField& f : core::template_fields()) fields.push_back({{"key", f.key}, {"label", f.label}});
  return Json{{"items", std::move(items)}, {"fields", std::move(fields)}};
}

}  // namespace

void add_template_commands(Registry& r) {
  using core::Permission;
  r.push_back({"template.save", true, Permission::ManageSettings, template_save});
  r.push_back({"template.set_active", true, Permission::ManageSettings, template_set_active});
  r.push_back({"template.delete", true, Permission::ManageSettings, template_delete});
  r.push_back({"template.list", false, Permission::View, template_list});
}

}  // namespace quittance::app
