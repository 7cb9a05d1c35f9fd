// Command registry and handlers. See commands.h.
#include "app/commands.h"

#include <map>

#include "core/version.h"
#include "store/migrations.h"
#include "store/settings.h"

namespace quittance::app {

Json ok(Json result) { return Json{{"ok", true}, {"result", std::move(result)}}; }

Json error(std::string_view code, std::string_view message) {
  return Json{{"ok", false}, {"error", {{"code", code}, {"message", message}}}};
}

namespace {

// A bad argument: becomes {"code": "invalid_argument"} at the layer's edge.
struct InvalidArgument {
  std::string message;
};

const Json& require(const Json& cmd, const char* name) {
  auto it = cmd.find(name);
  if (it == cmd.end()) throw InvalidArgument{std::string("missing argument \"") + name + "\""};
  return *it;
}

std::string require_string(const Json& cmd, const char* name, std::size_t max_bytes) {
  const Json& v = require(cmd, name);
  if (!v.is_string()) throw InvalidArgument{std::string("argument \"") + name + "\" must be a string"};
  std::string s = v.get<std::string>();
  if (s.size() > max_bytes) {
    throw InvalidArgument{std::string("argument \"") + name + "\" is longer than " + std::to_string(max_bytes) + " bytes"};
  }
  return s;
}

// "section.name": lower-case words of [a-z0-9_] joined by dots, starting with a letter.
bool is_setting_key(const std::string& key) {
  if (key.empty() || key[0] < 'a' || key[0] > 'z') return false;
  bool dot_seen = false, word_empty = false;
  for (char c : key) {
    if (c == '.') {
      if (word_empty) return false;
      dot_seen = true;
      word_empty = true;
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
      word_empty = false;
    } else {
      return false;
    }
  }
  return dot_seen && !word_empty;
}

std::string require_setting_key(const Json& cmd) {
  std::string key = require_string(cmd, "key", 64);
  if (!is_setting_key(key)) {
    throw InvalidArgument{"setting key \"" + key + "\" must look like \"section.name\" (lower case)"};
  }
  return key;
}

// Values some settings may take; other settings take any text up to the size limit.
void validate_setting(const std::string& key, const std::string& value) {
  if (key == "ui.language" && value != "fr" && value != "en") {
    throw InvalidArgument{"ui.language must be \"fr\" or \"en\""};
  }
}

struct Handler {
  bool read_only;
  std::function<Json(store::Database&, const Json&)> run;
};

const std::map<std::string, Handler, std::less<>>& handlers() {
  static const std::map<std::string, Handler, std::less<>> table = {
      {"app.info",
       {true,
        [](store::Database& db, const Json&) {
          return Json{{"version", kVersion}, {"schema", store::schema_version(db)}};
        }}},
      {"settings.get",
       {true,
        [](store::Database& db, const Json& cmd) {
          auto value = store::get_setting(db, require_setting_key(cmd));
          return value ? Json(*value) : Json(nullptr);
        }}},
      {"settings.list",
       {true, [](store::Database& db, const Json&) { return Json(store::all_settings(db)); }}},
      {"settings.set",
       {false,
        [](store::Database& db, const Json& cmd) {
          std::string key = require_setting_key(cmd);
          std::string value = require_string(cmd, "value", 4000);
          validate_setting(key, value);
          db.transaction([&] { store::set_setting(db, key, value); });
          return Json{{"key", key}, {"value", value}};
        }}},
  };
  return table;
}

}  // namespace

Json CommandLayer::exec(const Json& command) { return run(command, false); }
Json CommandLayer::query(const Json& command) { return run(command, true); }

Json CommandLayer::run(const Json& command, bool read_only_only) {
  if (!command.is_object()) return error("invalid_command", "a command must be a JSON object");
  auto name_it = command.find("cmd");
  if (name_it == command.end() || !name_it->is_string()) {
    return error("invalid_command", "a command needs a \"cmd\" string");
  }
  const std::string& name = name_it->get_ref<const std::string&>();
  auto it = handlers().find(name);
  if (it == handlers().end()) return error("unknown_command", "unknown command \"" + name + "\"");
  if (read_only_only && !it->second.read_only) {
    return error("not_a_query", "\"" + name + "\" changes data: use exec, not query");
  }
  const std::int64_t changes_before = db_.total_changes();
  Json answer;
  try {
    answer = ok(it->second.run(db_, command));
  } catch (const InvalidArgument& e) {
    return error("invalid_argument", e.message);
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

// Text read back from the database may hold bytes that are not UTF-8: replace, never throw.
std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }
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
