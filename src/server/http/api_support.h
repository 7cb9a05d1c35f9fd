// What every /api/ route handler needs: the calling device from its bearer token, the JSON
// object of the body with the limits and refusals of docs/api.md, a string member.
#pragma once
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "server/common.h"
#include "server/devices/devices.h"
#include "server/store/server_db.h"

namespace quittance::server {

// The calling device, or nullopt after answering 401. The token is neither logged nor echoed.
std::optional<Device> authenticate(const httplib::Request& req, httplib::Response& res, SharedDatabase& db);

// The JSON object of the request body, or nullopt after answering 413, 415 or 400. With
// `optional_body`, an empty body stands for {} whatever its Content-Type. `max_bytes`: 64 KiB
// for ordinary requests; a sync push carries up to kMaxRequestBody.
std::optional<nlohmann::json> json_object_body(const httplib::Request& req, httplib::Response& res,
                                               bool optional_body = false, std::size_t max_bytes = kMaxJsonBody);

// A non-negative integer query parameter (`fallback` when absent), or nullopt when malformed.
std::optional<std::int64_t> query_integer(const httplib::Request& req, const char* name, std::int64_t fallback);

// A string member of `body`, or nullopt when it is missing or not a string.
std::optional<std::string> string_member(const nlohmann::json& body, const char* name);

}  // namespace quittance::server
