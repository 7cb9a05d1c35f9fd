// The operation log over HTTP (docs/sync.md, docs/api.md): POST /api/sync/push,
// GET /api/sync/pull and GET /api/sync/snapshot, for the calling device's clinic.
#pragma once
#include <httplib.h>

#include "server/common.h"
#include "server/store/server_db.h"
#include "server/sync/quotas.h"
#include "server/sync/snapshots.h"

namespace quittance::server {

void install_sync_routes(httplib::Server& server, SharedDatabase& db, std::shared_ptr<Clock> clock,
                         std::shared_ptr<SnapshotStore> snapshots, const QuotaLimits& quotas);

}  // namespace quittance::server
