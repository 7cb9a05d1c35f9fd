// Payment links. See pay/links.h.
#include "app/bounded_json.h"
#include "server/pay/links.h"

#include "app/payment_requests.h"
#include "core/sha256.h"

namespace quittance::server {

bool makes_pay_link(std::string_view op_name) {
  // A booking makes a request when its category asks for money (appointment_commands.cpp):
  // appointment.book, or appointment.create in the log's older operations.
  return op_name == "payment_request.create" || op_name == "appointment.book" || op_name == "appointment.create";
}

std::string pay_link_hash(std::string_view token) { return core::sha256_hex(token); }

void index_pay_links(Sql& db, const std::string& clinic_id, const std::vector<nlohmann::json>& ops,
                     const std::string& now) {
  for (const nlohmann::json& op : ops) {
    auto name = op.find("name");
    auto body = op.find("body");
    if (name == op.end() || !name->is_string() || !makes_pay_link(name->get<std::string>())) continue;
    if (body == op.end() || !body->is_string()) continue;
    const nlohmann::json cmd = app::parse_bounded_json_or_discarded(body->get<std::string>());
    if (!cmd.is_object() || !cmd.contains("token") || !cmd["token"].is_string()) continue;
    const std::string token = cmd["token"].get<std::string>();
    // The books' own rule: an operation with another token is refused when replayed anyway.
    if (!app::requests::is_valid_token(token)) continue;
    db.prepare("INSERT INTO pay_links(token_hash, clinic_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        .bind(1, pay_link_hash(token))
        .bind(2, clinic_id)
        .bind(3, now)
        .step();
  }
}

std::optional<std::string> find_pay_link(Sql& db, std::string_view token) {
  if (!app::requests::is_valid_token(token)) return std::nullopt;
  SqlStatement s = db.prepare("SELECT clinic_id FROM pay_links WHERE token_hash = ?");
  s.bind(1, pay_link_hash(token));
  if (!s.step()) return std::nullopt;
  return s.column_text(0);
}

}  // namespace quittance::server
