// The /api/ routes. See http/api_routes.h.
#include "server/http/api_routes.h"

#include <iostream>
#include <optional>
#include <utility>

#include "app/bounded_json.h"
#include "app/settings_keys.h"
#include "core/roles.h"
#include "core/schedule.h"
#include "core/text.h"
#include "server/devices/devices.h"
#include "server/devices/tokens.h"
#include "server/http/api_support.h"
#include "server/http/rate_limit.h"
#include "server/pay/routes.h"
#include "server/stripe/card_routes.h"
#include "server/stripe/connect_routes.h"
#include "server/stripe/signature.h"
#include "server/stripe/webhook.h"
#include "server/sync/routes.h"

namespace quittance::server {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

using core::trim;

void handle_whoami(const httplib::Request& req, httplib::Response& res, SharedDatabase& db,
                   const StripeAccess& stripe, const std::string& pay_base_url) {
  std::optional<Device> device = authenticate(req, res, db);
  if (!device) return;
  // Card payments are this clinic's: in platform mode, once its own account may take charges.
  const bool card_payments = stripe.payments_active(device->clinic_id);
  send_json(res, 200,
            {{"ok", true},
             {"clinic_id", device->clinic_id},
             {"device_id", device->id},
             {"device_name", device->name},
             {"series", db.with([&](Sql& d) { return device_series(d, device->id); })},
             {"device_role", core::to_string(device->role)},
             {"card_payments", card_payments},
             {"online_payments", online_payments_summary(db, stripe, device->clinic_id)},
             // Where patients' payment links point: "" when not set, and the app uses its own origin.
             {"pay_base_url", pay_base_url}});
}

// The ceiling a new or changed device gets: "device_role" in the body, owner when absent.
std::optional<core::Role> device_role_member(const Json& body, httplib::Response& res) {
  if (!body.contains("device_role")) return core::Role::Owner;
  std::optional<std::string> name = string_member(body, "device_role");
  std::optional<core::Role> role = name ? core::role_from_string(*name) : std::nullopt;
  if (!role) {
    send_api_error(res, 400, "invalid_argument",
                   "\"device_role\" must be owner, billing, practitioner or read_only");
  }
  return role;
}

// Only a device an owner trusts with everything may let another device in or change one.
bool refuse_unless_owner_device(const Device& device, httplib::Response& res) {
  if (device.role == core::Role::Owner) return false;
  send_api_error(res, 403, "forbidden", "only an owner's device may pair, revoke or change devices");
  return true;
}

void handle_pairing_code(const httplib::Request& req, httplib::Response& res, SharedDatabase& db, const Clock& now) {
  std::optional<Device> device = authenticate(req, res, db);
  if (!device || refuse_unless_owner_device(*device, res)) return;
  std::optional<Json> body = json_object_body(req, res, /*optional_body=*/true);
  if (!body) return;
  std::optional<core::Role> role = device_role_member(*body, res);
  if (!role) return;
  const std::int64_t t = now();
  PairingCode code =
      db.with([&](Sql& d) { return create_pairing_code(d, device->clinic_id, t, *role); });
  send_json(res, 201,
            {{"ok", true},
             {"code", code.code},
             {"expires_at", core::format_utc_instant(code.expires_at)},
             {"expires_in", code.expires_at - t},
             {"device_role", core::to_string(*role)}});
}

void handle_pair(const httplib::Request& req, httplib::Response& res, SharedDatabase& db, const Clock& now,
                 FailureLimiter& limiter) {
  // Checked before anything else, so that a guesser learns nothing more once over the limit.
  if (const std::int64_t wait = limiter.retry_after(req.remote_addr, now()); wait > 0) {
    res.set_header("Retry-After", std::to_string(wait));
    send_api_error(res, 429, "too_many_attempts", "too many wrong pairing codes from this address: wait and retry");
    return;
  }
  std::optional<Json> body = json_object_body(req, res);
  if (!body) return;
  std::optional<std::string> typed_code = string_member(*body, "code");
  if (!typed_code) {
    send_api_error(res, 400, "invalid_argument", "\"code\" must be a string: the pairing code");
    return;
  }
  std::optional<std::string> raw_name = string_member(*body, "name");
  if (!raw_name) {
    send_api_error(res, 400, "invalid_argument", "\"name\" must be a string: the new device's name");
    return;
  }
  DisplayName name = check_display_name(*raw_name);
  if (!name.error.empty()) {
    send_api_error(res, 400, "invalid_argument", "\"name\": " + name.error);
    return;
  }
  // A code that cannot be one is refused like an unknown one, without a lookup.
  std::optional<std::string> code = normalise_pairing_code(*typed_code);
  if (!code) {
    limiter.failed(req.remote_addr, now());
    send_api_error(res, 400, "invalid_code", "unknown pairing code");
    return;
  }
  // Optional: what the joining device holds (devices/devices.h, JoiningBooks).
  JoiningBooks books;
  if (body->contains("books")) {
    const Json& b = (*body)["books"];
    if (!b.is_object() || !b.value("has_books", Json(false)).is_boolean() ||
        !b.value("clinic_id", Json("")).is_string() || !b.value("cursor", Json(0)).is_number_integer()) {
      send_api_error(res, 400, "invalid_argument",
                     "\"books\" must be {has_books: boolean, clinic_id: string, cursor: integer}");
      return;
    }
    books = {b.value("has_books", false), b.value("clinic_id", ""), b.value("cursor", std::int64_t{0})};
  }
  const std::int64_t t = now();
  PairingResult result = db.with([&](Sql& d) { return pair_device(d, *code, name.value, t, books); });
  if (result.outcome != PairingOutcome::paired && result.outcome != PairingOutcome::other_books) {
    limiter.failed(req.remote_addr, t);
  }
  switch (result.outcome) {
    case PairingOutcome::unknown_code:
      send_api_error(res, 400, "invalid_code", "unknown pairing code");
      return;
    case PairingOutcome::used_code:
      send_api_error(res, 410, "code_used", "this pairing code has already been used: ask for a new one");
      return;
    case PairingOutcome::expired_code:
      send_api_error(res, 410, "code_expired", "this pairing code has expired: ask for a new one");
      return;
    case PairingOutcome::other_books:
      send_api_error(res, 409, "device_has_books",
                     "this device holds books that are not this clinic's: it cannot join (the code stays valid)");
      return;
    case PairingOutcome::paired:
      break;
  }
  send_json(res, 201,
            {{"ok", true},
             {"clinic_id", result.device.clinic_id},
             {"device_id", result.device.device_id},
             {"device_token", result.device.device_token},
             {"series", result.series},
             {"log_head", result.log_head}});
}

void handle_list_devices(const httplib::Request& req, httplib::Response& res, SharedDatabase& db) {
  std::optional<Device> device = authenticate(req, res, db);
  if (!device) return;
  std::vector<DeviceInfo> devices = db.with([&](Sql& d) { return list_devices(d, device->clinic_id); });
  Json items = Json::array();
  for (const DeviceInfo& d : devices)
    items.push_back({{"device_id", d.id},
                     {"name", d.name},
                     {"created_at", d.created_at},
                     {"revoked", d.revoked},
                     {"role", core::to_string(d.role)},
                     {"this_device", d.id == device->id}});
  send_json(res, 200, {{"ok", true}, {"devices", items}});
}

// What revoking a device and changing its role share: an owner's device, an owner signed in
// on it (`role`), and another device of the clinic as `device_id`. Nullopt after answering.
struct OwnerAction {
  Device device;  // the calling one
  Json body;
  std::string target;
};
std::optional<OwnerAction> owner_action_on_another_device(const httplib::Request& req, httplib::Response& res,
                                                          SharedDatabase& db, const char* self_code,
                                                          const char* self_message) {
  std::optional<Device> device = authenticate(req, res, db);
  if (!device || refuse_unless_owner_device(*device, res)) return std::nullopt;
  std::optional<Json> body = json_object_body(req, res);
  if (!body) return std::nullopt;
  std::optional<std::string> target = string_member(*body, "device_id");
  std::optional<std::string> role_name = string_member(*body, "role");
  std::optional<core::Role> role = role_name ? core::role_from_string(*role_name) : std::nullopt;
  if (!target || !role) {
    send_api_error(res, 400, "invalid_argument", "\"device_id\" and \"role\" (the signed-in user's) are needed");
    return std::nullopt;
  }
  if (!core::allowed(*role, core::Permission::ManageSettings)) {
    send_api_error(res, 403, "forbidden", "only the practice's owner may do this");
    return std::nullopt;
  }
  if (*target == device->id) {
    send_api_error(res, 409, self_code, self_message);
    return std::nullopt;
  }
  return OwnerAction{std::move(*device), std::move(*body), std::move(*target)};
}

// A lost or stolen device is cut off from another device of the clinic, by its owner.
void handle_revoke_device(const httplib::Request& req, httplib::Response& res, SharedDatabase& db) {
  std::optional<OwnerAction> a = owner_action_on_another_device(
      req, res, db, "cannot_revoke_self", "a device is revoked from another one (here: unpair it)");
  if (!a) return;
  if (!db.with([&](Sql& d) { return revoke_device(d, a->device.clinic_id, a->target); })) {
    send_api_error(res, 404, "not_found", "no such device in this clinic");
    return;
  }
  send_json(res, 200, {{"ok", true}, {"device_id", a->target}, {"revoked", true}});
}

// An owner changes what another device may do at most; a device never changes its own.
void handle_device_role(const httplib::Request& req, httplib::Response& res, SharedDatabase& db) {
  std::optional<OwnerAction> a = owner_action_on_another_device(
      req, res, db, "cannot_change_self", "a device's role is changed from another owner's device");
  if (!a) return;
  if (!a->body.contains("device_role")) {
    send_api_error(res, 400, "invalid_argument", "\"device_role\" is needed");
    return;
  }
  std::optional<core::Role> ceiling = device_role_member(a->body, res);
  if (!ceiling) return;
  if (!db.with([&](Sql& d) { return set_device_role(d, a->device.clinic_id, a->target, *ceiling); })) {
    send_api_error(res, 404, "not_found", "no such device in this clinic");
    return;
  }
  send_json(res, 200, {{"ok", true}, {"device_id", a->target}, {"device_role", core::to_string(*ceiling)}});
}

// Stripe's events. Stripe retries anything but a 2xx for days, so a 2xx means "stored for
// good" and the refusals are for deliveries that no retry will fix (forged, stale, unsigned).
// `secret`: the endpoint's signing secret (STRIPE_WEBHOOK_SECRET, or the Connect endpoint's).
void handle_stripe_webhook(const httplib::Request& req, httplib::Response& res, const std::string& secret,
                           WebhookEndpoint endpoint, PaymentsContext& ctx) {
  if (secret.empty()) {
    send_api_error(res, 503, "webhook_not_configured",
                   endpoint == WebhookEndpoint::connect ? "STRIPE_CONNECT_WEBHOOK_SECRET is not set on this server"
                                                        : "STRIPE_WEBHOOK_SECRET is not set on this server");
    return;
  }
  if (!is_json_media_type(req.get_header_value("Content-Type"))) {
    send_api_error(res, 415, "unsupported_media_type", "a Stripe event is sent as Content-Type: application/json");
    return;
  }
  // The raw body, as received: the signature covers these bytes, not a re-serialisation.
  SignatureResult check = verify_stripe_signature(req.get_header_value("Stripe-Signature"), req.body,
                                                  secret, ctx.now());
  if (check != SignatureResult::ok) {
    // One line per refusal, for the operator whose secret is wrong; the header itself is not
    // logged (it is an attacker's text half the time, and useless the other half).
    std::cerr << "quittance-server: Stripe webhook refused: " << to_string(check) << '\n';
    Json error = api_error("invalid_signature", "the Stripe-Signature header does not verify");
    error["error"]["reason"] = to_string(check);
    send_json(res, 400, error);
    return;
  }
  Json event = app::parse_bounded_json_or_discarded(req.body);
  if (event.is_discarded() || !event.is_object()) {
    send_api_error(res, 400, "malformed_json", "the event is not a JSON object");
    return;
  }
  std::optional<std::string> id = string_member(event, "id");
  std::optional<std::string> type = string_member(event, "type");
  if (!id || id->empty() || !type || type->empty()) {
    send_api_error(res, 400, "invalid_event", "the event has no \"id\" or no \"type\"");
    return;
  }
  ApiAnswer answer = apply_stripe_event(ctx, event, req.body, endpoint);
  send_json(res, answer.status, answer.body);
}

}  // namespace

bool is_api_path(std::string_view path) { return path.rfind("/api/", 0) == 0; }

bool needs_device_token(std::string_view path) {
  return is_api_path(path) && path != kStripeWebhookPath && path != kStripeConnectWebhookPath &&
         path.rfind(kPublicApiPrefix, 0) != 0;
}

std::string_view bearer_token(std::string_view authorization) {
  authorization = trim(authorization);
  constexpr std::string_view scheme = "Bearer";
  if (authorization.size() <= scheme.size() || !iequals(authorization.substr(0, scheme.size()), scheme)) return {};
  std::string_view rest = authorization.substr(scheme.size());
  if (rest.front() != ' ' && rest.front() != '\t') return {};  // "Bearerxyz"
  rest = trim(rest);
  if (rest.find_first_of(" \t") != std::string_view::npos) return {};
  return rest;
}

bool is_json_media_type(std::string_view content_type) {
  return iequals(trim(content_type.substr(0, content_type.find(';'))), "application/json");
}

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), "application/json");
}

void send_api_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  send_json(res, status, api_error(code, message));
}

void install_api_routes(httplib::Server& server, std::shared_ptr<const ServerConfig> config, SharedDatabase& db,
                        Clock now, std::shared_ptr<SnapshotStore> books) {
  auto clock = std::make_shared<Clock>(std::move(now));
  auto limiter = std::make_shared<FailureLimiter>("pairing", kMaxPairingFailures, kPairingFailureWindowSeconds, &db);
  std::shared_ptr<const StripeClient> platform;
  if (!config->stripe_secret_key.empty())
    platform = std::make_shared<StripeClient>(config->stripe_api_base, config->stripe_secret_key);
  auto stripe = std::make_shared<const StripeAccess>(config->stripe_mode, platform, db);
  auto payments = std::make_shared<PaymentsContext>(PaymentsContext{db, stripe, *clock, {}});
  payments->practice_zone = [&db, books](const std::string& clinic_id) {
    try {
      return books->read(db, clinic_id, [](store::Database& b, app::CommandLayer&) {
        return app::setting_or_default(b, "practice.time_zone");
      });
    } catch (const std::exception& e) {  // unreadable books: the default zone, said
      std::cerr << "quittance-server: the time zone of clinic " << clinic_id << ": " << e.what() << '\n';
      return std::string();
    }
  };
  server.Get("/api/whoami", [&db, stripe, config](const httplib::Request& req, httplib::Response& res) {
    handle_whoami(req, res, db, *stripe, config->public_url);
  });
  server.Post("/api/devices/pairing-code", [&db, clock](const httplib::Request& req, httplib::Response& res) {
    handle_pairing_code(req, res, db, *clock);
  });
  server.Post("/api/devices/pair", [&db, clock, limiter](const httplib::Request& req, httplib::Response& res) {
    handle_pair(req, res, db, *clock, *limiter);
  });
  server.Get("/api/devices",
             [&db](const httplib::Request& req, httplib::Response& res) { handle_list_devices(req, res, db); });
  server.Post("/api/devices/revoke",
              [&db](const httplib::Request& req, httplib::Response& res) { handle_revoke_device(req, res, db); });
  server.Post("/api/devices/role",
              [&db](const httplib::Request& req, httplib::Response& res) { handle_device_role(req, res, db); });
  server.Post(std::string(kStripeWebhookPath), [payments, config](const httplib::Request& req, httplib::Response& res) {
    handle_stripe_webhook(req, res, config->stripe_webhook_secret, WebhookEndpoint::account, *payments);
  });
  server.Post(std::string(kStripeConnectWebhookPath),
              [payments, config](const httplib::Request& req, httplib::Response& res) {
                handle_stripe_webhook(req, res, config->stripe_connect_webhook_secret, WebhookEndpoint::connect,
                                      *payments);
              });
  install_connect_routes(server, ConnectContext{db, stripe, *clock, config});
  install_payment_routes(server, payments);
  // The patient payment page's API (no token), before the fallback.
  auto pay = std::make_shared<PayContext>(
      PayContext{db, *books, stripe, *clock, config->stripe_publishable_key, config->stripe_js_url});
  install_pay_routes(server, pay, books);
  install_sync_routes(server, db, clock, std::move(books), config->quotas);

  // Any other /api/ path and method. The token is checked first: without one, every route
  // answers 401 alike, and the list of routes is not there for the probing.
  auto fallback = [&db](const httplib::Request& req, httplib::Response& res) {
    if (needs_device_token(req.path) && !authenticate(req, res, db)) return;
    send_api_error(res, 404, "not_found", "no API route " + req.method + " " + req.path);
  };
  const std::string api = "/api/.*";
  server.Get(api, fallback);
  server.Post(api, fallback);
  server.Put(api, fallback);
  server.Patch(api, fallback);
  server.Delete(api, fallback);
}

}  // namespace quittance::server
