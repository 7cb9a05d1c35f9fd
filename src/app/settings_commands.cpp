// Settings and users: app.info, settings.get/list/set, user.create/list.
// Practice settings (identity, legal mentions, currency, fees policy, device series) need the
// owner; the interface language is every user's own.
#include <map>

#include "app/args.h"
#include "app/chart_of_accounts.h"
#include "app/command_error.h"
#include "app/registry.h"
#include "app/pin.h"
#include "app/settings_keys.h"
#include "app/update_column.h"
#include "core/email_address.h"
#include "core/money.h"
#include "core/numbering.h"
#include "core/version.h"
#include "store/migrations.h"
#include "store/settings.h"
#include "zone/zones.h"

namespace quittance::app {

namespace {

bool only_digits(const std::string& s, std::size_t length) {
  if (s.size() != length) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string without_spaces(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != ' ') out += c;
  }
  return out;
}

bool has_documents(store::Database& db) {
  auto st = db.prepare("SELECT EXISTS(SELECT 1 FROM invoices) OR EXISTS(SELECT 1 FROM payments)");
  st.step();
  return st.column_int64(0) != 0;
}

// Checks and normalises a setting's value; refuses what the key cannot hold.
std::string validated(Context& ctx, const std::string& key, const std::string& value) {
  auto bad = [&](const std::string& why) -> std::string { refuse("invalid_argument", key + " " + why, "value"); };
  if (key == "ui.language") {
    if (value != "fr" && value != "en") bad("must be \"fr\" or \"en\"");
  } else if (key == "practice.siret") {
    std::string digits = without_spaces(value);
    if (!digits.empty() && !only_digits(digits, 14)) bad("must have 14 digits");
    return digits;
  } else if (key == "practice.email") {
    // Where patients' answers to the practice's emails go (Reply-To): one plain address, as
    // the server's sender accepts it; spaces around a pasted one dropped.
    const std::string address = without_spaces(value);
    if (!address.empty() && !core::valid_email_address(address)) bad("must be an email address");
    return address;
  } else if (key == "practice.rpps") {
    if (!value.empty() && !only_digits(value, 11)) bad("must have 11 digits");
  } else if (key == "practice.adeli") {
    if (!value.empty() && !only_digits(value, 9)) bad("must have 9 digits");
  } else if (key == "practice.currency") {
    if (!core::currency_from_code(value)) bad("is not a supported currency");
    if (value != setting_or_default(ctx.db, key) && has_documents(ctx.db)) {
      refuse("currency_locked", "the currency cannot change once invoices or payments exist", "value");
    }
  } else if (key == "accounting.accounts") {
    if (const std::string why = chart_error(value); !why.empty()) bad(why);
  } else if (key == "practice.time_zone") {
    // Only the zones the app embeds: a name the browser could not read would date nothing.
    if (!zone::is_offered(value)) bad("is not one of the offered time zones (zone/zones.h)");
  } else if (key == "device.series") {
    if (!core::valid_series_code(value)) bad("must be one to three capital letters");
    // Refused when typed; an earlier version's operation in the log replays as it ran.
    if (value == core::kOnlineSeries && !ctx.replaying) bad("is the series of invoices issued by online payments");
  } else if (key == "billing.pass_fees") {
    if (value != "0" && value != "1") bad("must be \"0\" or \"1\"");
  }
  return value;
}

// With the journal's newest entry (seq 0 when empty): what the interface compares with the last
// backup downloaded, to offer one when the books changed since.
Json app_info(Context& ctx) {
  Json head = {{"seq", 0}, {"at", ""}};
  auto st = ctx.db.prepare("SELECT seq, at FROM journal ORDER BY seq DESC LIMIT 1");
  if (st.step()) head = {{"seq", st.column_int64(0)}, {"at", st.column_text(1)}};
  return Json{{"version", kVersion}, {"schema", store::schema_version(ctx.db)}, {"actor", ctx.actor},
              {"role", core::to_string(ctx.role)}, {"journal_head", std::move(head)},
              {"has_documents", has_documents(ctx.db)}};
}

// The whole file checked by SQLite (the storage's kill test asks it after every kill).
Json database_check(Context& ctx) { return Json{{"integrity", ctx.db.integrity_check()}}; }

Json settings_get(Context& ctx) {
  std::string key = require_string(ctx.cmd, "key", 64);
  if (!is_known_setting(key)) refuse("unknown_setting", "no setting \"" + key + "\"", "key");
  return setting_or_default(ctx.db, key);
}

Json settings_list(Context& ctx) {
  Json out = Json::object();
  for (const SettingKey& k : known_settings()) out[k.key] = setting_or_default(ctx.db, k.key);
  return out;
}

Json settings_set(Context& ctx) {
  std::string key = require_string(ctx.cmd, "key", 64);
  const SettingKey* known = find_setting(key);
  if (!known) refuse("unknown_setting", "no setting \"" + key + "\"", "key");
  ctx.require(known->permission);
  std::string value = validated(ctx, key, require_string(ctx.cmd, "value", known->max_bytes));
  store::set_setting(ctx.db, key, value);
  return Json{{"key", key}, {"value", value}};
}

Json user_create(Context& ctx) {
  std::string name = require_text(ctx.cmd, "name");
  std::string role = require_string(ctx.cmd, "role", 20);
  if (!core::role_from_string(role)) refuse("invalid_argument", "role must be owner, billing, practitioner or read_only", "role");
  auto st = ctx.db.prepare("INSERT INTO users(id, name, role) VALUES (?1, ?2, ?3)");
  st.bind(1, ctx.command_id).bind(2, name).bind(3, role);
  st.step();
  return Json{{"user_id", ctx.command_id}, {"name", name}, {"role", role}};
}

Json user_list(Context& ctx) {
  Json out = Json::array();
  auto st = ctx.db.prepare("SELECT id, name, role, archived, pin_hash != '' FROM users ORDER BY name");
  while (st.step()) {
    out.push_back({{"user_id", st.column_text(0)}, {"name", st.column_text(1)}, {"role", st.column_text(2)},
                   {"archived", st.column_int64(3) != 0}, {"has_pin", st.column_int64(4) != 0}});
  }
  return out;
}

void require_user(store::Database& db, const std::string& id) {
  auto st = db.prepare("SELECT 1 FROM users WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) refuse("not_found", "no user \"" + id + "\"", "user_id");
}

std::int64_t active_owners(store::Database& db) {
  auto st = db.prepare("SELECT count(*) FROM users WHERE role = 'owner' AND archived = 0");
  st.step();
  return st.column_int64(0);
}

// Name, role, archived. The practice always keeps an active owner: without one, nobody could
// change its settings or its users again.
Json user_update(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "user_id", 64);
  require_user(ctx.db, id);
  if (has(ctx.cmd, "name")) update_column(ctx.db, "users", id, "name", require_text(ctx.cmd, "name"));
  if (has(ctx.cmd, "role")) {
    const std::string role = require_string(ctx.cmd, "role", 20);
    if (!core::role_from_string(role)) refuse("invalid_argument", "role must be owner, billing, practitioner or read_only", "role");
    update_column(ctx.db, "users", id, "role", role);
  }
  if (has(ctx.cmd, "archived") && optional_bool(ctx.cmd, "archived", false) && id == ctx.actor) {
    refuse("invalid_argument", "a user cannot archive themselves: another owner does it", "archived");
  }
  if (has(ctx.cmd, "archived")) update_column(ctx.db, "users", id, "archived", std::int64_t{optional_bool(ctx.cmd, "archived", false) ? 1 : 0});
  if (active_owners(ctx.db) == 0) refuse("last_owner", "the practice must keep an active owner", "role");
  return Json{{"user_id", id}};
}

// The PIN's salted hash, computed by the device (app/pin.h) so that the PIN is in no command
// and no journal entry. A user sets their own; the owner sets anyone's. Both empty: no PIN.
Json user_set_pin(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "user_id", 64);
  require_user(ctx.db, id);
  if (id != ctx.actor && ctx.role != core::Role::Owner) refuse("forbidden", "only the owner sets another user's PIN", "user_id");
  const std::string salt = optional_string(ctx.cmd, "pin_salt", 64);
  const std::string hash = optional_string(ctx.cmd, "pin_hash", 64);
  auto hex = [](const std::string& s, std::size_t n) {
    return s.size() == n && s.find_first_not_of("0123456789abcdef") == std::string::npos;
  };
  const bool clearing = salt.empty() && hash.empty();
  if (!clearing && !hex(salt, 32)) refuse("invalid_argument", "pin_salt must be 32 lower-case hex digits", "pin_salt");
  if (!clearing && !hex(hash, 64)) refuse("invalid_argument", "pin_hash must be 64 lower-case hex digits", "pin_hash");
  update_column(ctx.db, "users", id, "pin_salt", salt);
  update_column(ctx.db, "users", id, "pin_hash", hash);
  return Json{{"user_id", id}, {"has_pin", !clearing}};
}

// The sign-in's check: a query, so the PIN typed is never journaled.
Json user_check_pin(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "user_id", 64);
  const std::string pin = require_string(ctx.cmd, "pin", 16);
  auto st = ctx.db.prepare("SELECT pin_salt, pin_hash, archived FROM users WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) refuse("not_found", "no user \"" + id + "\"", "user_id");
  if (st.column_int64(2) != 0) return Json{{"valid", false}, {"archived", true}};
  if (st.column_text(1).empty()) return Json{{"valid", true}, {"has_pin", false}};
  return Json{{"valid", hash_pin(st.column_text(0), pin) == st.column_text(1)}, {"has_pin", true}};
}

}  // namespace

void add_settings_commands(Registry& r) {
  using core::Permission;
  r.push_back({"app.info", false, Permission::View, app_info});
  r.push_back({"database.check", false, Permission::View, database_check});
  r.push_back({"settings.get", false, Permission::View, settings_get});
  r.push_back({"settings.list", false, Permission::View, settings_list});
  r.push_back({"settings.set", true, Permission::PersonalPrefs, settings_set});
  r.push_back({"user.create", true, Permission::ManageSettings, user_create});
  r.push_back({"user.list", false, Permission::View, user_list});
  r.push_back({"user.update", true, Permission::ManageSettings, user_update});
  r.push_back({"user.set_pin", true, Permission::View, user_set_pin});  // checked in the handler
  r.push_back({"user.check_pin", false, Permission::View, user_check_pin});
}

}  // namespace quittance::app
