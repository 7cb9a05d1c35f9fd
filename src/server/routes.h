// The HTTP surface of quittance-server: GET /healthz, the /api/ namespace (only its JSON 404
// for now) and the web app's static files for every other GET/HEAD path.
#pragma once
#include <memory>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "server/options.h"
#include "server/server_db.h"

namespace quittance::server {

using Json = nlohmann::json;

// The /healthz answer: {"status":"ok","version":...,"database":"ok","schema":N} with 200, or
// "status":"error","database":"error","schema":null with 503 when the database query fails.
struct Health {
  int http_status;
  Json body;
};
Health check_health(SharedDatabase& db);

// The JSON error body of the /api/ namespace: {"ok":false,"error":{"code":...,"message":...}}.
Json api_error(const std::string& code, const std::string& message);

// A server with every route installed, not yet bound. It serves options.web_dir and uses `db`,
// which must outlive it. Handlers never let an exception out: one that escapes becomes a 500.
std::unique_ptr<httplib::Server> make_server(const Options& options, SharedDatabase& db);

}  // namespace quittance::server
