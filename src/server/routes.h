// The HTTP surface of quittance-server: GET /healthz, the /api/ namespace (devices and their
// pairing, the Stripe webhook, a JSON 404 for the rest: see api_routes.h and docs/api.md), the
// patient payment page /pay/TOKEN (pay_routes.h) and the web app's static files for every other
// GET/HEAD path. Also what applies to every request:
// the body limits, CORS for the one allowed origin, and JSON errors under /api/.
#pragma once
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "server/config.h"
#include "server/options.h"
#include "server/server_db.h"
#include "server/snapshots.h"

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

// The time, in Unix seconds, as the server sees it: pairing codes expire and webhook
// timestamps are checked against it. The tests move it.
using Clock = std::function<std::int64_t()>;
std::int64_t system_now();

// Request bodies. httplib refuses a larger Content-Length with 413 before reading it; that
// limit is the webhook's, since a Stripe event with many lines can be large. The app's JSON
// routes take far less and refuse more than kMaxJsonBody themselves.
inline constexpr std::size_t kMaxRequestBody = 1024 * 1024;
inline constexpr std::size_t kMaxJsonBody = 64 * 1024;
// The request path as it may be logged: no payment link token, no control character.
std::string loggable_path(std::string_view path);

// A client that sends nothing (or takes nothing) for this long is cut off.
inline constexpr int kReadTimeoutSeconds = 10;
inline constexpr int kWriteTimeoutSeconds = 10;

// A server with every route installed, not yet bound. It serves options.web_dir and uses `db`,
// which must outlive it; `config` is copied. Handlers never let an exception out: one that
// escapes becomes a 500 (JSON under /api/). `books`: the clinics' books it serves to new
// devices, shared with the mail scheduler; null: its own, in DATA/snapshots.
std::unique_ptr<httplib::Server> make_server(const Options& options, const ServerConfig& config, SharedDatabase& db,
                                             Clock now = system_now, std::shared_ptr<SnapshotStore> books = nullptr);

// The clinics' books beside the server database (DATA/snapshots; in memory without a folder).
std::shared_ptr<SnapshotStore> make_books(const Options& options);

}  // namespace quittance::server
