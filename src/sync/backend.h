// The device's side of the clinic's backend, assembled: the link to the server
// (server_link.h), the sync of the operation log (log_sync.h), pairing and the clinic's
// devices (pairing.h), and the card features (card_payments.h). The platform makes one per
// open clinic and gives each screen the part it needs. Nothing here waits: every call
// returns at once and reports through its callback; no local workflow depends on the network.
#pragma once
#include <functional>
#include <string>

#include "app/commands.h"
#include "store/database.h"
#include "sync/card_payments.h"
#include "sync/device_link.h"
#include "sync/http.h"
#include "sync/log_sync.h"
#include "sync/pairing.h"
#include "sync/server_link.h"
#include "sync/stripe_account.h"

namespace quittance::sync {

class Backend {
 public:
  using SaveLink = ServerLink::SaveLink;
  // `save` persists the link (token, series) whenever it changes. With `db` (the database
  // `commands` runs on), the device also syncs the clinic's operation log.
  Backend(HttpTransport& http, app::CommandLayer& commands, SaveLink save, store::Database* db = nullptr);

  // The link read at start-up; refreshes at once when paired.
  void start(DeviceLink link);
  // Forgets the link here (the server keeps the device until it is revoked there).
  void forget();
  // Time passes (the page's one-second timer): the server asked again when due, the log synced.
  void tick(double now_ms);
  // Called whenever something shown may have changed (to redraw).
  void on_change(std::function<void()> listener) { server_.on_change(std::move(listener)); }

  ServerLink& server() { return server_; }
  const ServerLink& server() const { return server_; }
  LogSync& log() { return log_; }
  const LogSync& log() const { return log_; }
  Pairing& pairing() { return pairing_; }
  CardPayments& cards() { return cards_; }
  StripeAccount& stripe_account() { return stripe_account_; }

 private:
  ServerLink server_;
  LogSync log_;
  CardPayments cards_;
  Pairing pairing_;
  StripeAccount stripe_account_;
};

}  // namespace quittance::sync
