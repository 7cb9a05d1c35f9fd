// Pairing this device with its clinic's server, and the clinic's devices (docs/api.md,
// docs/security.md): a pairing code from another device joins the clinic, refused before any
// code is spent for books older than sync; the owner lists, revokes and limits devices.
#pragma once
#include <functional>
#include <string>

#include "app/commands.h"
#include "sync/log_sync.h"
#include "sync/server_link.h"

namespace quittance::sync {

class Pairing {
 public:
  // `forget` unpairs every part of the device's backend (Backend::forget).
  Pairing(ServerLink& server, LogSync& log, app::CommandLayer& commands, std::function<void()> forget);

  // Joins the clinic with a pairing code from another device. `server_url` "" for the page's
  // own origin. On success the link is saved and a refresh starts.
  void pair(const std::string& server_url, const std::string& code, const std::string& device_name, Done done);
  // A code for another device, which gets `device_role` as its ceiling: body {code, expires_at}.
  void request_pairing_code(const std::string& device_role, Done done);
  // The clinic's devices: body {devices: [{device_id, name, created_at, revoked, this_device}]}.
  void list_devices(Done done);
  // Cuts another device off (the owner only; the server checks).
  void revoke_device(const std::string& device_id, Done done);
  // Changes another device's ceiling (an owner, from an owner's device).
  void set_device_role(const std::string& device_id, const std::string& device_role, Done done);

 private:
  ServerLink& server_;
  LogSync& log_;
  app::CommandLayer& commands_;
  std::function<void()> forget_;
};

}  // namespace quittance::sync
