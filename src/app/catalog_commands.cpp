// The billing catalogue: tax rates, services (actes) and payment types.
// Editing a rate or a price never changes an issued document: documents copy what they use.
// What a document or payment uses is archived, never deleted.
#include "app/args.h"
#include "app/command_error.h"
#include "app/registry.h"
#include "app/update_column.h"

namespace quittance::app {

namespace {

void require_exists(store::Database& db, const char* table, const std::string& id, const char* field) {
  auto st = db.prepare(std::string("SELECT 1 FROM ") + table + " WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) refuse("not_found", std::string("no ") + field + " \"" + id + "\"", field);
}

std::int64_t require_rate_bp(const Json& cmd) {
  if (!has(cmd, "rate_bp") || !cmd["rate_bp"].is_number_integer()) {
    refuse("invalid_argument", "\"rate_bp\" must be an integer number of basis points (2000 = 20 %)", "rate_bp");
  }
  std::int64_t bp = cmd["rate_bp"].get<std::int64_t>();
  if (bp < 0 || bp > 10000) refuse("invalid_argument", "\"rate_bp\" must be between 0 and 10000", "rate_bp");
  return bp;
}

void set_archived(Context& ctx, const char* table, const char* field) {
  std::string id = require_string(ctx.cmd, field, 64);
  require_exists(ctx.db, table, id, field);
  update_column(ctx.db, table, id, "archived", std::int64_t{1});
}

Json tax_rate_create(Context& ctx) {
  std::string name = require_text(ctx.cmd, "name");
  std::int64_t bp = require_rate_bp(ctx.cmd);
  auto st = ctx.db.prepare("INSERT INTO tax_rates(id, name, rate_bp) VALUES (?1, ?2, ?3)");
  st.bind(1, ctx.command_id).bind(2, name).bind(3, bp);
  st.step();
  return Json{{"tax_rate_id", ctx.command_id}, {"name", name}, {"rate_bp", bp}};
}

Json tax_rate_update(Context& ctx) {
  std::string id = require_string(ctx.cmd, "tax_rate_id", 64);
  require_exists(ctx.db, "tax_rates", id, "tax_rate_id");
  if (has(ctx.cmd, "name")) update_column(ctx.db, "tax_rates", id, "name", require_text(ctx.cmd, "name"));
  if (has(ctx.cmd, "rate_bp")) update_column(ctx.db, "tax_rates", id, "rate_bp", require_rate_bp(ctx.cmd));
  return Json{{"tax_rate_id", id}};
}

Json tax_rate_archive(Context& ctx) {
  set_archived(ctx, "tax_rates", "tax_rate_id");
  return Json{{"tax_rate_id", ctx.cmd["tax_rate_id"]}};
}

Json tax_rate_list(Context& ctx) {
  Json out = Json::array();
  auto st = ctx.db.prepare("SELECT id, name, rate_bp, archived FROM tax_rates ORDER BY rate_bp, name");
  while (st.step()) {
    out.push_back({{"tax_rate_id", st.column_text(0)}, {"name", st.column_text(1)}, {"rate_bp", st.column_int64(2)},
                   {"archived", st.column_int64(3) != 0}});
  }
  return out;
}

Json service_create(Context& ctx) {
  std::string code = require_text(ctx.cmd, "code", 40);
  std::string label = require_text(ctx.cmd, "label");
  std::int64_t price = require_amount(ctx.cmd, "unit_price", true);
  std::string rate = has(ctx.cmd, "tax_rate_id") ? require_string(ctx.cmd, "tax_rate_id", 64) : "exempt";
  require_exists(ctx.db, "tax_rates", rate, "tax_rate_id");
  auto st = ctx.db.prepare("INSERT INTO services(id, code, label, unit_price, tax_rate_id) VALUES (?1, ?2, ?3, ?4, ?5)");
  st.bind(1, ctx.command_id).bind(2, code).bind(3, label).bind(4, price).bind(5, rate);
  st.step();
  return Json{{"service_id", ctx.command_id}};
}

Json service_update(Context& ctx) {
  std::string id = require_string(ctx.cmd, "service_id", 64);
  require_exists(ctx.db, "services", id, "service_id");
  auto set = [&](const char* column, const auto& value) { update_column(ctx.db, "services", id, column, value); };
  if (has(ctx.cmd, "code")) set("code", require_text(ctx.cmd, "code", 40));
  if (has(ctx.cmd, "label")) set("label", require_text(ctx.cmd, "label"));
  if (has(ctx.cmd, "unit_price")) set("unit_price", require_amount(ctx.cmd, "unit_price", true));
  if (has(ctx.cmd, "tax_rate_id")) {
    std::string rate = require_string(ctx.cmd, "tax_rate_id", 64);
    require_exists(ctx.db, "tax_rates", rate, "tax_rate_id");
    set("tax_rate_id", rate);
  }
  return Json{{"service_id", id}};
}

Json service_archive(Context& ctx) {
  set_archived(ctx, "services", "service_id");
  return Json{{"service_id", ctx.cmd["service_id"]}};
}

Json service_list(Context& ctx) {
  Json out = Json::array();
  auto st = ctx.db.prepare(
      "SELECT s.id, s.code, s.label, s.unit_price, s.tax_rate_id, t.rate_bp, s.archived "
      "FROM services s JOIN tax_rates t ON t.id = s.tax_rate_id ORDER BY s.code");
  while (st.step()) {
    out.push_back({{"service_id", st.column_text(0)}, {"code", st.column_text(1)}, {"label", st.column_text(2)},
                   {"unit_price", st.column_int64(3)}, {"tax_rate_id", st.column_text(4)},
                   {"rate_bp", st.column_int64(5)}, {"archived", st.column_int64(6) != 0}});
  }
  return out;
}

Json payment_type_create(Context& ctx) {
  std::string label = require_text(ctx.cmd, "label", 80);
  // Two entries of one name in every payment form: which one was meant could not be told.
  auto same = ctx.db.prepare(
      "SELECT label FROM payment_types WHERE archived = 0 AND lower(trim(label)) = lower(trim(?1))");
  same.bind(1, label);
  if (same.step() && !ctx.replaying) {
    refuse("duplicate_name", "a payment type is already named \"" + same.column_text(0) + "\"", "label");
  }
  auto st = ctx.db.prepare(
      "INSERT INTO payment_types(id, label, builtin, position) "
      "VALUES (?1, ?2, 0, (SELECT COALESCE(MAX(position), 0) + 1 FROM payment_types))");
  st.bind(1, ctx.command_id).bind(2, label);
  st.step();
  return Json{{"payment_type_id", ctx.command_id}, {"label", label}};
}

Json payment_type_archive(Context& ctx) {
  std::string id = require_string(ctx.cmd, "payment_type_id", 64);
  auto st = ctx.db.prepare("SELECT builtin FROM payment_types WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) refuse("not_found", "no payment type \"" + id + "\"", "payment_type_id");
  if (st.column_int64(0)) refuse("builtin_payment_type", "built-in payment types cannot be archived", "payment_type_id");
  set_archived(ctx, "payment_types", "payment_type_id");
  return Json{{"payment_type_id", id}};
}

Json payment_type_list(Context& ctx) {
  Json out = Json::array();
  auto st = ctx.db.prepare("SELECT id, label, builtin, archived FROM payment_types ORDER BY position");
  while (st.step()) {
    out.push_back({{"payment_type_id", st.column_text(0)}, {"label", st.column_text(1)},
                   {"builtin", st.column_int64(2) != 0}, {"archived", st.column_int64(3) != 0}});
  }
  return out;
}

}  // namespace

void add_catalog_commands(Registry& r) {
  using core::Permission;
  r.push_back({"tax_rate.create", true, Permission::ManageSettings, tax_rate_create});
  r.push_back({"tax_rate.update", true, Permission::ManageSettings, tax_rate_update});
  r.push_back({"tax_rate.archive", true, Permission::ManageSettings, tax_rate_archive});
  r.push_back({"tax_rate.list", false, Permission::View, tax_rate_list});
  r.push_back({"service.create", true, Permission::ManageSettings, service_create});
  r.push_back({"service.update", true, Permission::ManageSettings, service_update});
  r.push_back({"service.archive", true, Permission::ManageSettings, service_archive});
  r.push_back({"service.list", false, Permission::View, service_list});
  r.push_back({"payment_type.create", true, Permission::ManageSettings, payment_type_create});
  r.push_back({"payment_type.archive", true, Permission::ManageSettings, payment_type_archive});
  r.push_back({"payment_type.list", false, Permission::View, payment_type_list});
}

}  // namespace quittance::app
