// The HTTP surface of quittance-server: GET /healthz, the /api/ namespace (devices and their
// pairing, the Stripe webhook, a JSON 404 for the rest: see http/api_routes.h and docs/api.md), the
// patient payment page /pay/TOKEN (pay/routes.h) and the web app's static files for every other
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

#include "server/common.h"
#include "server/config.h"
#include "server/options.h"
#include "server/store/server_db.h"
#include "server/sync/snapshots.h"

namespace quittance::server {

// The /healthz answer: {"status":"ok","version":...,"database":"ok","schema":N} with 200, or
// "status":"error","database":"error","schema":null with 503 when the database query fails.
struct Health {
  int http_status;
  Json body;
};
Health check_health(SharedDatabase& db);

// A server with every route installed, not yet bound. It serves options.web_dir and uses `db`,
// which must outlive it; `config` is copied. Handlers never let an exception out: one that
// escapes becomes a 500 (JSON under /api/). `books`: the clinics' books it serves to new
// devices, shared with the mail scheduler; null: its own, in DATA/snapshots.
std::unique_ptr<httplib::Server> make_server(const Options& options, const ServerConfig& config, SharedDatabase& db,
                                             Clock now = system_now, std::shared_ptr<SnapshotStore> books = nullptr);

// The clinics' books beside the server database (DATA/snapshots; in memory without a folder).
std::shared_ptr<SnapshotStore> make_books(const Options& options);

}  // namespace quittance::server
