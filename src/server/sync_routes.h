// The operation log over HTTP (docs/sync.md, docs/api.md): POST /api/sync/push and
// GET /api/sync/pull, for the calling device's clinic.
#pragma once
#include <httplib.h>

#include "server/routes.h"
#include "server/server_db.h"

namespace quittance::server {

void install_sync_routes(httplib::Server& server, SharedDatabase& db, std::shared_ptr<Clock> clock);

}  // namespace quittance::server
