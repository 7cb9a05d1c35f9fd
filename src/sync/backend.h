// The device's side of the clinic's backend: pairing, the sync of the operation log, and the
// card features that need the server (save a card, « Débiter la carte », refunds through
// Stripe). Nothing here waits: every call returns at once and reports through its callback;
// the interface shows the state meanwhile, and no local workflow depends on the network.
//
// Card requests carry a command id the caller keeps: after a network failure the caller
// retries with the same id, and the server (and Stripe, through the Idempotency-Key) gives
// the first outcome instead of charging again. The server writes each outcome into the
// clinic's log (docs/sync.md, « Server facts »): an answer only says it was sent, and the
// books learn it with the next pull, which the answer starts. Only the demo's in-page server,
// which has no log, has its events recorded from its answers (and GET /api/events).
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include <memory>

#include "app/commands.h"
#include "store/database.h"
#include "sync/device_link.h"
#include "sync/http.h"
#include "sync/replica.h"
#include "sync/sync_client.h"

namespace quittance::sync {

using Json = nlohmann::json;

enum class Connection {
  Unpaired,    // no token: a local-only device
  Connecting,  // the first answer is awaited
  Online,      // the server answered the last call
  Offline,     // it did not (no network, server down): retried with backoff
  Revoked,     // the server no longer knows this device's token: pair again
};

struct CallResult {
  int status = 0;    // HTTP status; 0 when there was no answer
  std::string code;  // the server's error code; "network" without an answer; "" on success
  Json body;         // the answer, or null
  bool answered() const { return status != 0; }
  bool ok() const { return status >= 200 && status < 300; }
};
using Done = std::function<void(const CallResult&)>;

struct ChargeRequest {
  std::string command_id;  // kept by the caller for a retry
  std::string patient_id, invoice_id, invoice_number, currency, paid_on;
  std::int64_t amount = 0;  // the invoice's amount due
};

// The clinic's operation log, as the status bar tells it (docs/sync.md).
enum class SyncState {
  Off,             // not paired, or no sync (the demo)
  Waiting,         // paired, no exchange has ended yet
  Syncing,         // an exchange runs
  UpToDate,        // the last exchange ended caught up, nothing left to send
  Pending,         // operations wait to be sent (offline, or the next exchange is due)
  UpdateRequired,  // the log holds an operation this version does not know
  Failed,          // the server refused the exchange (retried with backoff)
};

struct RefundRequest {
  std::string command_id;
  std::string payment_intent_id, reason, refunded_on;
  std::int64_t amount = 0;
};

class Backend {
 public:
  using SaveLink = std::function<void(const DeviceLink&)>;
  // `save` persists the link (token, pull cursor) whenever it changes. With `db` (the
  // database `commands` runs on), the device also syncs the clinic's operation log.
  Backend(HttpTransport& http, app::CommandLayer& commands, SaveLink save, store::Database* db = nullptr);
  ~Backend();

  // The link read at start-up; refreshes at once when paired.
  void start(DeviceLink link);
  // Marks the link as the in-page demo server's (demo_server.h): card features are simulated,
  // and the interface says so.
  void set_simulated(bool simulated) { simulated_ = simulated; }
  bool simulated() const { return simulated_; }
  const DeviceLink& link() const { return link_; }
  // The clinic the books joined ("" for books that never synced): set while the device is
  // unpaired when its link was lost (a browser that wiped IndexedDB) or forgotten.
  std::string books_clinic() const;
  Connection connection() const { return connection_; }
  bool card_payments() const { return card_payments_; }  // the server has Stripe configured
  // Where patients open payment links (QUITTANCE_PUBLIC_URL), "" when the server did not say:
  // then the server this device talks to.
  const std::string& pay_base_url() const { return pay_base_url_; }
  // "parked" while a fact of the server waits for what it refers to (Replica::parked_count),
  // or the refusal of the demo server's event its pull is stuck on; "" when none.
  const std::string& blocked_code() const { return blocked_code_; }
  // Called whenever something shown may have changed (to redraw).
  void on_change(std::function<void()> listener) { changed_ = std::move(listener); }
  // Called after an exchange that changed the books (to reload screens and store them).
  void on_synced(std::function<void()> listener) { synced_ = std::move(listener); }
  // How the platform replaces the books by the clinic's snapshot (GET /api/sync/snapshot) when
  // a device without books of its own joins a clinic with a log: instead of replaying it all.
  // The platform downloads it, then calls `finished(downloaded)`: true means install it (the
  // platform then reopens the books and makes a new Backend); false (the device was unpaired
  // or paired elsewhere meanwhile, or the download failed) means drop it, and the device
  // pulls the log instead.
  using SnapshotInstaller = std::function<void(const DeviceLink& link, std::function<bool(bool downloaded)> finished)>;
  void set_snapshot_installer(SnapshotInstaller installer) { install_snapshot_ = std::move(installer); }

  // [Sync] A command was committed here: it is sent within a second or so when online.
  void local_change();
  // Starts an exchange now if none runs (« Synchroniser maintenant »).
  void sync_now();
  // True while the clinic's snapshot downloads: the page takes no new work meanwhile, which
  // the swap would lose.
  bool restoring() const { return restoring_; }
  // The platform did not swap the downloaded snapshot in (work was done here meanwhile, or the
  // file was refused): the device pulls the log instead.
  void snapshot_not_installed();
  SyncState sync_state() const;
  std::int64_t pending();            // operations made here not yet accepted by the server
  // Operations made here that the server refused (docs/sync.md, « Validated at the door »),
  // and the newest one's reason: kept in the books as refused, shown until someone acts.
  // Read at start and after an exchange that refused one, not at every frame.
  std::int64_t refused_by_server() const { return refused_count_; }
  const std::string& last_refusal() const { return last_refusal_; }
  // The last exchange's error code, or why this device does not sync: "books_need_import"
  // (books older than sync, see Replica::has_unrecorded_books), "other_clinic" (books restored
  // from another clinic's backup).
  const std::string& sync_error() const { return sync_blocked_.empty() ? sync_error_ : sync_blocked_; }
  const SyncOutcome& last_sync() const { return last_sync_; }

  // Joins the clinic with a pairing code from another device. `server_url` "" for the page's
  // own origin. On success the link is saved and a refresh starts.
  void pair(const std::string& server_url, const std::string& code, const std::string& device_name, Done done);
  // A code for another device to join the clinic (valid 10 minutes, once): body {code, expires_at}.
  // A code for another device, which gets `device_role` as its ceiling (docs/security.md).
  void request_pairing_code(const std::string& device_role, Done done);
  // The clinic's devices: body {devices: [{device_id, name, created_at, revoked, this_device}]}.
  void list_devices(Done done);
  // Cuts another device off (the owner only; the server checks).
  void revoke_device(const std::string& device_id, Done done);
  // Changes another device's ceiling (an owner, from an owner's device).
  void set_device_role(const std::string& device_id, const std::string& device_role, Done done);
  // Forgets the link here (the server keeps the device until it is revoked there).
  void forget();
  // Asks who we are (card payments available?), then syncs.
  void refresh();
  // Time passes: refreshes every 30 s when online (every 3 s for 10 minutes after asking for
  // something that Stripe confirms later), sooner after a failure (2 s, doubling to 60 s).
  void tick(double now_ms);

  void setup_card(const std::string& command_id, const std::string& patient_id, const std::string& patient_name,
                  const std::string& email, Done done);
  void charge(const ChargeRequest& request, Done done);
  void refund(const RefundRequest& request, Done done);
  // A payment link was given to a patient: its payment comes back as a server event, so the
  // device asks for events often for a while.
  void expect_payment();
  // The demo only (simulated()): plays the patient paying the request (payment_request.list's
  // row) on the in-page server.
  void simulate_request_payment(const Json& request, const std::string& paid_on, Done done);

 private:
  void call(const std::string& method, const std::string& path, const Json* body, Done done);
  void note_answer(const CallResult& result);
  bool apply_event(const Json& event);  // false when the books refused it
  void pull();   // the demo server's events
  void learn();  // after a card request: what it did comes through the log (or the demo's events)
  std::int64_t log_cursor();  // how far this device has read (the log, or the demo's events)
  bool parked_read_ = false;
  void read_parked();
  bool sync_again_ = false;
  void pulled(const CallResult& result);
  void apply_event_of(const CallResult& result);
  std::string role();
  void changed();
  std::string origin() const;  // what this device's operations say they come from
  void apply_origin();
  void start_sync();
  void synced(const SyncOutcome& outcome);
  void keep_series_setting();
  void check_books();

  HttpTransport& http_;
  app::CommandLayer& commands_;
  SaveLink save_;
  std::function<void()> changed_;
  DeviceLink link_;
  Connection connection_ = Connection::Unpaired;
  bool card_payments_ = false;
  std::string pay_base_url_;
  bool simulated_ = false;
  bool pulling_ = false, pull_again_ = false;
  std::string blocked_code_;
  std::uint64_t generation_ = 0;  // bumped by forget(): late answers of the old link are dropped
  double now_ms_ = 0, next_refresh_ms_ = 0, backoff_ms_ = 0;
  // Until then, refresh every few seconds: something is expected from Stripe (a card being
  // saved by the patient, a payment processing at the bank).
  double expect_until_ms_ = 0;
  void expect_soon();

  // Sync (null without a database): the replica and the one exchange that may run.
  std::function<void()> synced_;
  std::unique_ptr<Replica> replica_;
  std::unique_ptr<SyncClient> sync_client_;
  SnapshotInstaller install_snapshot_;
  bool restoring_ = false;  // a snapshot is being installed: no exchange meanwhile
  std::string sync_blocked_;  // why these books may not sync with this clinic ("" : they may)
  bool ever_synced_ = false;
  std::string sync_error_;
  std::int64_t refused_count_ = 0;
  std::string last_refusal_;
  bool refusals_read_ = false;
  void read_refusals();
  SyncOutcome last_sync_;
  double next_sync_ms_ = 0, sync_backoff_ms_ = 0;
};

const char* to_string(Connection c);  // "unpaired", "connecting", ... (for automation)
const char* to_string(SyncState s);   // "off", "waiting", "syncing", ...

}  // namespace quittance::sync
