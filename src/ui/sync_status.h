// What the status bar and Paramètres → Serveur say of the clinic's operation log: « À jour »,
// « Synchronisation… », « 3 opérations en attente d'envoi »… (docs/sync.md).
#pragma once
#include <string>

#include "sync/log_sync.h"
#include "sync/server_link.h"

namespace quittance::ui {

// "" when this device does not sync (not paired, or the demo). `network`: the browser says it
// is online (when it is not, the status bar says « Hors ligne » already).
std::string sync_status_text(sync::LogSync& log, const sync::ServerLink& server, bool network = true);

}  // namespace quittance::ui
