// Checks of an operation's shape and role. See op_check.h.
#include "app/op_check.h"

#include <cctype>

#include "app/bounded_json.h"
#include "app/registry.h"
#include "app/settings_keys.h"
#include "core/date.h"

namespace quittance::app {

namespace {

bool digits(const std::string& s, std::size_t from, std::size_t count) {
  for (std::size_t i = from; i < from + count; ++i) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// "2026-11-21T10:04:00Z" or with milliseconds, as Clock::now() writes it: a real date, hours
// below 24, minutes and seconds below 60.
bool valid_instant(const std::string& at) {
  if (at.size() != 20 && at.size() != 24) return false;
  if (!core::parse_iso_date(at.substr(0, 10)) || at[10] != 'T' || at[13] != ':' || at[16] != ':') return false;
  if (!digits(at, 11, 2) || !digits(at, 14, 2) || !digits(at, 17, 2)) return false;
  if (std::stoi(at.substr(11, 2)) > 23 || std::stoi(at.substr(14, 2)) > 59 || std::stoi(at.substr(17, 2)) > 59) {
    return false;
  }
  if (at.size() == 24 && (at[19] != '.' || !digits(at, 20, 3))) return false;
  return at.back() == 'Z';
}

OpRefusal malformed(const std::string& what) { return {"malformed_operation", what}; }

}  // namespace

OpRefusal check_op_shape(const Op& op, nlohmann::json* parsed) {
  const CommandSpec* spec = find_command(op.name);
  if (!spec) return {"unknown_operation", "unknown operation \"" + op.name + "\""};
  if (!spec->writes) return malformed("\"" + op.name + "\" changes nothing: it is not an operation");
  if (!core::parse_iso_date(op.day)) return malformed("\"day\" is not a date (YYYY-MM-DD)");
  if (!valid_instant(op.at)) return malformed("\"at\" is not an instant (YYYY-MM-DDTHH:MM:SSZ)");
  std::optional<nlohmann::json> body = parse_bounded_json(op.body);
  if (!body) return malformed("\"body\" is not JSON, or nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  if (!body->is_object()) return malformed("\"body\" is not a command (a JSON object)");
  auto cmd = body->find("cmd");
  if (cmd == body->end() || !cmd->is_string() || cmd->get_ref<const std::string&>() != op.name) {
    return malformed("\"body\".cmd is not the operation's name");
  }
  auto id = body->find("id");
  if (id == body->end() || !id->is_string() || id->get_ref<const std::string&>() != op.id) {
    return malformed("\"body\".id is not the operation's id");
  }
  if (parsed) *parsed = std::move(*body);
  return {};
}

OpRefusal check_op_role(const Op& op, const nlohmann::json& body, core::Role ceiling) {
  const CommandSpec* spec = find_command(op.name);
  if (!spec) return {"unknown_operation", "unknown operation \"" + op.name + "\""};
  core::Permission needed = spec->permission;
  if (op.name == "settings.set") {
    auto key = body.find("key");
    if (key != body.end() && key->is_string()) {
      if (const SettingKey* known = find_setting(key->get<std::string>())) needed = known->permission;
    }
  }
  if (!core::allowed(ceiling, needed)) {
    return {"forbidden", std::string("this device may act as \"") + core::to_string(ceiling) +
                             "\" at most, which may not do \"" + op.name + "\""};
  }
  return {};
}

}  // namespace quittance::app
