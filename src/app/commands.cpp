// Command dispatch: validation of the envelope, roles, idempotency, one transaction per
// command with its journal entry. See commands.h; the commands themselves are in *_commands.cpp.
#include "app/commands.h"

#include <map>

#include "app/command_error.h"
#include "app/journal.h"
#include "app/registry.h"

namespace quittance::app {

Json ok(Json result) { return Json{{"ok", true}, {"result", std::move(result)}}; }

Json error(std::string_view code, std::string_view message, std::string_view field) {
  Json e = {{"code", code}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  return Json{{"ok", false}, {"error", std::move(e)}};
}

void Context::require(core::Permission permission) const {
  if (!core::allowed(role, permission)) {
    refuse("forbidden", std::string("the role \"") + core::to_string(role) + "\" may not do this");
  }
}

namespace {

const std::map<std::string, CommandSpec, std::less<>>& commands() {
  static const auto table = [] {
    Registry r;
    add_settings_commands(r);
    add_catalog_commands(r);
    add_patient_commands(r);
    add_invoice_commands(r);
    add_payment_commands(r);
    add_report_commands(r);
    add_server_event_commands(r);
    add_export_commands(r);
    add_demo_commands(r);
    std::map<std::string, CommandSpec, std::less<>> byName;
    for (const CommandSpec& spec : r) byName.emplace(spec.name, spec);
    return byName;
  }();
  return table;
}

// Text read back from the database may hold bytes that are not UTF-8: replace, never throw.
std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::optional<core::Role> role_of(store::Database& db, const std::string& user_id) {
  auto st = db.prepare("SELECT role FROM users WHERE id = ?1 AND archived = 0");
  st.bind(1, user_id);
  if (!st.step()) return std::nullopt;
  return core::role_from_string(st.column_text(0));
}

// A command id: 1 to 64 characters of [A-Za-z0-9-_] (UUIDs in practice).
bool valid_command_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

CommandLayer::CommandLayer(store::Database& db, Clock clock) : db_(db), clock_(std::move(clock)) {}

bool CommandLayer::set_actor(const std::string& user_id) {
  try {
    if (!role_of(db_, user_id)) return false;
  } catch (const store::StoreError&) {
    return false;
  }
  actor_ = user_id;
  return true;
}

bool CommandLayer::act_as_an_owner() {
  if (set_actor("owner")) return true;
  try {
    auto st = db_.prepare("SELECT id FROM users WHERE role = 'owner' AND archived = 0 ORDER BY name, id LIMIT 1");
    return st.step() && set_actor(st.column_text(0));
  } catch (const store::StoreError&) {
    return false;
  }
}

Json CommandLayer::exec(const Json& command) { return run(command, false); }
Json CommandLayer::query(const Json& command) { return run(command, true); }

Json CommandLayer::run(const Json& command, bool read_only_only) {
  if (!command.is_object()) return error("invalid_command", "a command must be a JSON object");
  auto name_it = command.find("cmd");
  if (name_it == command.end() || !name_it->is_string()) {
    return error("invalid_command", "a command needs a \"cmd\" string");
  }
  const std::string& name = name_it->get_ref<const std::string&>();
  auto it = commands().find(name);
  if (it == commands().end()) return error("unknown_command", "unknown command \"" + name + "\"");
  const CommandSpec& spec = it->second;
  if (read_only_only && spec.writes) return error("not_a_query", "\"" + name + "\" changes data: use exec, not query");

  std::string command_id;
  if (spec.writes) {
    auto id_it = command.find("id");
    if (id_it == command.end() || !id_it->is_string() || !valid_command_id(id_it->get<std::string>())) {
      return error("invalid_command", "a command that writes needs an \"id\" (a UUID), unique to it", "id");
    }
    command_id = id_it->get<std::string>();
  }

  const std::int64_t changes_before = db_.total_changes();
  Json answer;
  try {
    auto role = role_of(db_, actor_);
    if (!role) return error("forbidden", "the current user \"" + actor_ + "\" does not exist or is archived");
    Context ctx{db_, command, command_id, actor_, *role, clock_};
    ctx.require(spec.permission);
    if (!spec.writes) return ok(spec.run(ctx));

    const std::string body = dump(command);
    if (auto previous = find_journal_entry(db_, command_id)) {
      if (previous->body != body) {
        return error("command_id_reused", "the id \"" + command_id + "\" was used by another command", "id");
      }
      Json replay = ok(Json::parse(previous->result));
      replay["replayed"] = true;
      return replay;
    }
    db_.transaction([&] {
      Json result = spec.run(ctx);
      append_journal(db_, command_id, name, actor_, body, dump(result), clock_.now());
      answer = ok(std::move(result));
    });
  } catch (const CommandError& e) {
    return error(e.code, e.message, e.field);
  } catch (const store::StoreError& e) {
    return error(e.disk_full() ? "disk_full" : "storage_error", e.what());
  } catch (const std::exception& e) {
    return error("internal_error", e.what());
  }
  if (commit_listener_ && db_.total_changes() != changes_before) commit_listener_();
  return answer;
}

namespace {
Json parse_or_error(std::string_view text, Json& parsed) {
  parsed = Json::parse(text.begin(), text.end(), nullptr, false);
  if (parsed.is_discarded()) return error("malformed_json", "the command is not valid JSON");
  return nullptr;
}
}  // namespace

std::string CommandLayer::exec_text(std::string_view text) {
  Json parsed;
  Json err = parse_or_error(text, parsed);
  return dump(err.is_null() ? exec(parsed) : err);
}

std::string CommandLayer::query_text(std::string_view text) {
  Json parsed;
  Json err = parse_or_error(text, parsed);
  return dump(err.is_null() ? query(parsed) : err);
}

}  // namespace quittance::app
