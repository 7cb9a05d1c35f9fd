// Route helpers. See http/api_support.h.
#include "app/bounded_json.h"
#include "server/http/api_support.h"

#include "server/http/api_routes.h"

namespace quittance::server {

std::optional<Device> authenticate(const httplib::Request& req, httplib::Response& res, SharedDatabase& db) {
  const std::string authorization = req.get_header_value("Authorization");
  const std::string_view token = bearer_token(authorization);
  std::optional<Device> device;
  if (!token.empty()) device = db.with([&](Sql& d) { return find_device_by_token(d, token); });
  if (!device) {
    res.set_header("WWW-Authenticate", "Bearer");
    send_api_error(res, 401, "unauthorized",
                   token.empty() ? "this route needs an Authorization: Bearer <device token> header"
                                 : "unknown or revoked device token");
  }
  return device;
}

std::optional<Json> json_object_body(const httplib::Request& req, httplib::Response& res, bool optional_body,
                                     std::size_t max_bytes) {
  if (optional_body && req.body.empty()) return Json::object();
  if (req.body.size() > max_bytes) {
    send_api_error(res, 413, "payload_too_large",
                   "the body is larger than " + std::to_string(max_bytes / 1024) + " KiB");
    return std::nullopt;
  }
  if (!is_json_media_type(req.get_header_value("Content-Type"))) {
    send_api_error(res, 415, "unsupported_media_type", "the body must be sent as Content-Type: application/json");
    return std::nullopt;
  }
  Json body = app::parse_bounded_json_or_discarded(req.body);
  if (body.is_discarded()) {
    send_api_error(res, 400, "malformed_json", "the body is not valid JSON (UTF-8), or nests deeper than " +
                                                   std::to_string(app::kMaxJsonDepth) + " levels");
    return std::nullopt;
  }
  if (!body.is_object()) {
    send_api_error(res, 400, "invalid_argument", "the body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

std::optional<std::string> string_member(const Json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::int64_t> query_integer(const httplib::Request& req, const char* name, std::int64_t fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string value = req.get_param_value(name);
  if (value.empty() || value.size() > 18 || value.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(value);
}

}  // namespace quittance::server
