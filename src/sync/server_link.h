// The device's link to its clinic's server (docs/api.md): the link itself (server, token,
// series, kept by the platform), the one way to call the server (answers meant for a link
// forgotten since are dropped), what the connection looks like, and the periodic « who am
// I » that says whether card payments are available. Nothing here waits: every call returns
// at once and reports through its callback.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "sync/device_link.h"
#include "sync/http.h"

namespace quittance::sync {

using Json = nlohmann::json;

enum class Connection {
  Unpaired,    // no token: a local-only device
  Connecting,  // the first answer is awaited
  Online,      // the server answered the last call
  Offline,     // it did not (no network, server down): retried with backoff
  Revoked,     // the server no longer knows this device's token: pair again
};
const char* to_string(Connection c);  // "unpaired", "connecting", ... (for automation)

struct CallResult {
  int status = 0;    // HTTP status; 0 when there was no answer
  std::string code;  // the server's error code; "network" without an answer; "" on success
  Json body;         // the answer, or null
  bool answered() const { return status != 0; }
  bool ok() const { return status >= 200 && status < 300; }
};
using Done = std::function<void(const CallResult&)>;

// The role of whoever works on `commands` now, sent with card and device requests (the
// server checks it against the device's ceiling).
std::string signed_in_role(app::CommandLayer& commands);

class ServerLink {
 public:
  using SaveLink = std::function<void(const DeviceLink&)>;
  // `save` persists the link whenever it changes.
  ServerLink(HttpTransport& http, SaveLink save);

  const DeviceLink& link() const { return link_; }
  // Replaces the link (read at start-up, or given by a pairing); `keep`: saves it.
  void set_link(DeviceLink link, bool keep = true);
  // Changes a field of the link and keeps it.
  void update_link(const std::function<void(DeviceLink&)>& change);
  // Forgets the link (the server keeps the device until it is revoked there); answers still
  // on their way for the old one are dropped.
  void forget();
  std::uint64_t generation() const { return generation_; }

  // The in-page demo server (demo_server.h): card features are simulated, and say so.
  void set_simulated(bool simulated) { simulated_ = simulated; }
  bool simulated() const { return simulated_; }
  Connection connection() const { return connection_; }
  void set_connection(Connection c) { connection_ = c; }
  bool card_payments() const { return card_payments_; }  // this clinic may take card payments now
  // whoami's word on online payments: not_activated, incomplete, in_review, active, restricted,
  // deauthorized (the clinic's own Stripe account), unavailable (none on this server); "" before
  // the first answer. A server of the previous version, which does not say, is "active" or
  // "unavailable" by its card_payments.
  const std::string& online_payments_state() const { return online_payments_state_; }
  // Where patients open payment links (QUITTANCE_PUBLIC_URL), "" when the server did not say:
  // then the server this device talks to.
  const std::string& pay_base_url() const { return pay_base_url_; }

  // Calls the server as this device; the connection follows the answer.
  void call(const std::string& method, const std::string& path, const Json* body, Done done);

  // Asks who we are (card payments available? this device's series?), then `on_refreshed`.
  void refresh();
  // Time passes: refreshes every 30 s when online (every 3 s for 10 minutes after expect_soon()),
  // sooner after a failure (2 s, doubling to 60 s). True when it refreshed now.
  bool tick(double now_ms);
  double now_ms() const { return now_ms_; }
  // Something Stripe confirms later was asked for (a card the patient gives, a payment link):
  // refresh often for a while.
  void expect_soon();
  // Refresh at the next tick.
  void refresh_soon() { next_refresh_ms_ = now_ms_; }

  // Called whenever something shown may have changed (to redraw).
  void on_change(std::function<void()> listener) { changed_ = std::move(listener); }
  void changed() const;
  // Called after each answered « who am I »: the other parts sync then.
  void on_refreshed(std::function<void()> listener) { refreshed_ = std::move(listener); }
  // Called when the server gave this device another series.
  void on_series(std::function<void()> listener) { series_changed_ = std::move(listener); }

 private:
  void note_answer(const CallResult& result);

  HttpTransport& http_;
  SaveLink save_;
  DeviceLink link_;
  Connection connection_ = Connection::Unpaired;
  bool card_payments_ = false;
  std::string online_payments_state_;
  std::string pay_base_url_;
  bool simulated_ = false;
  std::uint64_t generation_ = 0;  // bumped by forget()
  double now_ms_ = 0, next_refresh_ms_ = 0, backoff_ms_ = 0;
  double expect_until_ms_ = 0;  // until then, refresh every few seconds
  std::function<void()> changed_, refreshed_, series_changed_;
};

}  // namespace quittance::sync
