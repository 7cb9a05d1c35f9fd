// What the status bar and Paramètres → Serveur say of the clinic's operation log: « À jour »,
// « Synchronisation… », « 3 opérations en attente d'envoi »… (docs/sync.md).
#pragma once
#include <string>

#include "sync/backend.h"

namespace quittance::ui {

// "" when this device does not sync (not paired, or the demo). `network`: the browser says it
// is online (when it is not, the status bar says « Hors ligne » already).
std::string sync_status_text(sync::Backend& backend, bool network = true);

}  // namespace quittance::ui
