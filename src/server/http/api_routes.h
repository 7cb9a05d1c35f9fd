// The /api/ routes of quittance-server (docs/api.md has each one with an example):
//   GET  /api/whoami                   the calling device
//   POST /api/devices/pairing-code     a code for a new device to join the caller's clinic
//   POST /api/devices/pair             a new device joins, with a code      (no token; at most
//                                      10 wrong codes per address in 10 minutes, then 429)
//   GET  /api/devices                  the clinic's devices
//   POST /api/devices/revoke           cuts a device off (the owner, from another device)
//   POST /api/stripe/webhook           Stripe's events, signed               (no token)
//   /api/pay/...                       the patient payment page's API        (no token; pay/routes.h)
//   anything else under /api/          a JSON 404 (after the token check, so that routes stay
//                                      unknown to callers without one)
// Every /api/ route needs "Authorization: Bearer <device token>" except the webhook and those
// under /api/pay/ (the patient payment page, whose link is its credential). Answers are JSON: {"ok":true,...} or
// {"ok":false,"error":{"code":...,"message":...}}.
#pragma once
#include <httplib.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "server/common.h"
#include "server/config.h"
#include "server/store/server_db.h"
#include "server/sync/snapshots.h"

namespace quittance::server {

inline constexpr std::string_view kStripeWebhookPath = "/api/stripe/webhook";
// The Connect endpoint: the events of every clinic's connected account (platform mode).
inline constexpr std::string_view kStripeConnectWebhookPath = "/api/stripe/connect-webhook";
inline constexpr std::string_view kPublicApiPrefix = "/api/pay/";
inline constexpr int kMaxPairingFailures = 10;
inline constexpr std::int64_t kPairingFailureWindowSeconds = 10 * 60;

// True for paths under /api/.
bool is_api_path(std::string_view path);
// True for the /api/ paths that need a device token (all but the webhook and /api/pay/...).
bool needs_device_token(std::string_view path);

// The token of an "Authorization: Bearer TOKEN" header value (scheme case-insensitive), or ""
// when the header is absent or of another form.
std::string_view bearer_token(std::string_view authorization);

// True for "application/json", whatever its parameters ("; charset=utf-8") and letter case.
bool is_json_media_type(std::string_view content_type);

// A JSON answer, never cached.
void send_json(httplib::Response& res, int status, const Json& body);
void send_api_error(httplib::Response& res, int status, const std::string& code, const std::string& message);

// Installs the routes listed above, the /api/ fallback last. `db` must outlive the server.
// `books`: the clinics' books kept for new devices (sync/snapshots.h).
void install_api_routes(httplib::Server& server, std::shared_ptr<const ServerConfig> config, SharedDatabase& db,
                        Clock now, std::shared_ptr<SnapshotStore> books);

}  // namespace quittance::server
