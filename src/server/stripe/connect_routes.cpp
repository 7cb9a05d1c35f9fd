// Online payments activated from the app. See stripe/connect_routes.h.
#include "server/stripe/connect_routes.h"

#include <iostream>

#include "app/command_id.h"
#include "core/roles.h"
#include "core/schedule.h"
#include "server/http/api_routes.h"
#include "server/http/api_support.h"
#include "server/http/json_lenient.h"
#include "server/stripe/records.h"

namespace quittance::server {

namespace {

using lenient::text;

constexpr const char* kReturnPath = "/stripe/onboarding/return";
constexpr const char* kRefreshPath = "/stripe/onboarding/refresh";

const char* mode_name(StripeMode mode) {
  switch (mode) {
    case StripeMode::single:
      return "single";
    case StripeMode::platform:
      return "platform";
    case StripeMode::none:
      break;
  }
  return "none";
}

std::optional<ConnectedAccount> account_of(SharedDatabase& db, const std::string& clinic_id) {
  return db.with([&](Sql& d) { return find_account_of_clinic(d, clinic_id); });
}

// A server without its own accounts: its keys are the clinic's (single), or there are none.
const char* state_without_accounts(StripeMode mode) { return mode == StripeMode::single ? "active" : "unavailable"; }

// GET /api/stripe/account's answer, also given after a link or a refresh.
Json account_answer(const ConnectContext& ctx, const std::string& clinic_id) {
  Json body = {{"ok", true}, {"mode", mode_name(ctx.stripe->mode())}};
  if (ctx.stripe->mode() == StripeMode::platform) {
    const std::optional<ConnectedAccount> account = account_of(ctx.db, clinic_id);
    body.update(account_view(account));
    if (account && !account->deauthorized) body["dashboard_url"] = ctx.config->stripe_dashboard_url;
  } else {
    body["state"] = state_without_accounts(ctx.stripe->mode());
    if (ctx.stripe->mode() == StripeMode::single) body["dashboard_url"] = ctx.config->stripe_dashboard_url;
  }
  return body;
}

// The owner, signed in on an owner's device: the only one who may give the practice's bank
// details to Stripe. Nullopt after answering.
std::optional<std::pair<Device, Json>> owner_request(const httplib::Request& req, httplib::Response& res,
                                                     SharedDatabase& db) {
  std::optional<Device> device = authenticate(req, res, db);
  if (!device) return std::nullopt;
  std::optional<Json> body = json_object_body(req, res);
  if (!body) return std::nullopt;
  std::optional<std::string> role_name = string_member(*body, "role");
  std::optional<core::Role> role = role_name ? core::role_from_string(*role_name) : std::nullopt;
  if (!role) {
    send_api_error(res, 400, "invalid_argument", "\"role\" must be the signed-in user's role");
    return std::nullopt;
  }
  if (*role != core::Role::Owner || device->role != core::Role::Owner) {
    send_api_error(res, 403, "forbidden", "only the practice's owner may activate online payments");
    return std::nullopt;
  }
  return std::make_pair(std::move(*device), std::move(*body));
}

bool refuse_unless_platform(const ConnectContext& ctx, httplib::Response& res) {
  if (ctx.stripe->mode() == StripeMode::platform) return false;
  send_api_error(res, 409, "not_platform",
                 ctx.stripe->mode() == StripeMode::single
                     ? "this server takes payments with its own Stripe keys: there is nothing to activate"
                     : "online payments are not configured on this server");
  return true;
}

// Stripe did not answer, or refused: said once in the log with Stripe's code, never the body.
void send_stripe_failure(httplib::Response& res, const StripeResponse& r, const char* what) {
  if (!r.answered()) {
    std::cerr << "quittance-server: Stripe unreachable (" << what << "): " << r.transport_error << '\n';
    send_api_error(res, 502, "stripe_unreachable", "Stripe could not be reached; nothing was changed, try again");
    return;
  }
  const Json& e = r.error();
  std::cerr << "quittance-server: Stripe refused " << what << ": HTTP " << r.status << ' ' << text(e, "code") << '\n';
  if (r.status == 400 && text(e, "param") == "country") {
    send_api_error(res, 400, "country_unsupported", "Stripe does not take payments for businesses in this country");
    return;
  }
  Json error = api_error("stripe_error", "Stripe refused the request");
  error["error"]["stripe_code"] = text(e, "code");
  send_json(res, 502, error);
}

// The clinic's connected account, made the first time (or again after the practitioner
// disconnected the previous one). Nullopt after answering.
std::optional<ConnectedAccount> ensure_account(const ConnectContext& ctx, const Device& device,
                                               const std::string& country, httplib::Response& res) {
  std::optional<ConnectedAccount> known = account_of(ctx.db, device.clinic_id);
  if (known && !known->deauthorized) return known;
  // Stripe's recommended settings for a SaaS platform with direct charges: the clinic pays
  // Stripe's fees and has the full Stripe Dashboard; Stripe collects what it needs and bears
  // negative balances. No application fee is ever taken.
  FormParams params = {{"country", country},
                       {"controller[fees][payer]", "account"},
                       {"controller[losses][payments]", "stripe"},
                       {"controller[stripe_dashboard][type]", "full"},
                       {"controller[requirement_collection]", "stripe"},
                       {"metadata[clinic_id]", device.clinic_id}};
  // Keyed by the clinic alone: two owners, or a retry with another country, get one account
  // (Stripe keeps the key a day; the table keeps the first account after that).
  std::string key = "quittance-account-" + device.clinic_id;
  if (known) key += "-after-" + known->account_id;
  StripeResponse r = ctx.stripe->platform()->post("/v1/accounts", params, key);
  const std::string account_id = text(r.body, "id");
  if (!r.ok() || !valid_account_id(account_id)) {
    send_stripe_failure(res, r, "account");
    return std::nullopt;
  }
  return ctx.db.with([&](Sql& d) {
    ConnectedAccount kept;
    d.transaction([&] {
      d.prepare("DELETE FROM stripe_accounts WHERE clinic_id = ? AND deauthorized = 1").bind(1, device.clinic_id).step();
      kept = keep_account(d, device.clinic_id, account_id, country, ctx.now());
      update_account(d, r.body, ctx.now());
    });
    return kept;
  });
}

void handle_link(const ConnectContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto owner = owner_request(req, res, ctx.db);
  if (!owner || refuse_unless_platform(ctx, res)) return;
  const auto& [device, body] = *owner;
  const std::string command_id = body.value("command_id", Json("")).is_string() ? body.value("command_id", "") : "";
  if (!app::valid_command_id(command_id)) {
    send_api_error(res, 400, "invalid_argument", "\"command_id\" must be 1 to 64 letters, digits, '-' or '_'");
    return;
  }
  std::string country = "FR";
  if (body.contains("country")) {
    std::optional<std::string> given = string_member(body, "country");
    if (!given || given->size() != 2 || given->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
      send_api_error(res, 400, "invalid_argument", "\"country\" must be a two-letter country code such as FR");
      return;
    }
    country = *given;
  }
  std::optional<ConnectedAccount> account = ensure_account(ctx, device, country, res);
  if (!account) return;
  const std::string& base = ctx.config->public_url;
  StripeResponse r = ctx.stripe->platform()->post("/v1/account_links",
                                                  {{"account", account->account_id},
                                                   {"refresh_url", base + kRefreshPath},
                                                   {"return_url", base + kReturnPath},
                                                   {"type", "account_onboarding"},
                                                   {"collection_options[fields]", "eventually_due"}},
                                                  "quittance-link-" + device.clinic_id + "-" + command_id);
  const std::string url = text(r.body, "url");
  const bool web_address = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  if (!r.ok() || !web_address) {
    send_stripe_failure(res, r, "account link");
    return;
  }
  Json answer = account_answer(ctx, device.clinic_id);
  answer["url"] = url;
  answer["expires_at"] = core::format_utc_instant(lenient::integer(r.body, "expires_at"));
  send_json(res, 201, answer);
}

void handle_refresh(const ConnectContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto owner = owner_request(req, res, ctx.db);
  if (!owner || refuse_unless_platform(ctx, res)) return;
  const Device& device = owner->first;
  std::optional<ConnectedAccount> account = account_of(ctx.db, device.clinic_id);
  if (account && !account->deauthorized) {
    StripeResponse r = ctx.stripe->platform()->get("/v1/accounts/" + account->account_id);
    // A refusal here (a key without the permission, another mode's key) is the operator's
    // problem: said, and nothing changed. Only Stripe's account.application.deauthorized says
    // the practitioner disconnected Quittance.
    if (!r.ok()) {
      send_stripe_failure(res, r, "account fetch");
      return;
    }
    ctx.db.with([&](Sql& d) { update_account(d, r.body, ctx.now()); });
  }
  send_json(res, 200, account_answer(ctx, device.clinic_id));
}

// Back from Stripe: the app, which shows the state and asks Stripe for it.
void redirect_to_app(const ConnectContext& ctx, httplib::Response& res, const char* what) {
  // The app: on its own origin when it has one, else served by this server at its public address.
  const std::string app = (ctx.config->allowed_origin.empty() ? ctx.config->public_url : ctx.config->allowed_origin) + "/";
  res.status = 303;
  res.set_header("Location", app + "#stripe=" + what);
  res.set_header("Cache-Control", "no-store");
  res.set_content("<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Quittance</title>"
                  "<p><a href=\"" + app + "#stripe=" + what + "\">Revenir à Quittance</a></p></html>",
                  "text/html; charset=utf-8");
}

}  // namespace

Json online_payments_summary(SharedDatabase& db, const StripeAccess& stripe, const std::string& clinic_id) {
  Json summary = {{"mode", mode_name(stripe.mode())}};
  summary["state"] = stripe.mode() == StripeMode::platform ? to_string(state_of(account_of(db, clinic_id)))
                                                           : state_without_accounts(stripe.mode());
  return summary;
}

void install_connect_routes(httplib::Server& server, ConnectContext context) {
  auto ctx = std::make_shared<const ConnectContext>(std::move(context));
  server.Get("/api/stripe/account", [ctx](const httplib::Request& req, httplib::Response& res) {
    std::optional<Device> device = authenticate(req, res, ctx->db);
    if (device) send_json(res, 200, account_answer(*ctx, device->clinic_id));
  });
  server.Post("/api/stripe/account/link",
              [ctx](const httplib::Request& req, httplib::Response& res) { handle_link(*ctx, req, res); });
  server.Post("/api/stripe/account/refresh",
              [ctx](const httplib::Request& req, httplib::Response& res) { handle_refresh(*ctx, req, res); });
  server.Get(kReturnPath,
             [ctx](const httplib::Request&, httplib::Response& res) { redirect_to_app(*ctx, res, "return"); });
  server.Get(kRefreshPath,
             [ctx](const httplib::Request&, httplib::Response& res) { redirect_to_app(*ctx, res, "refresh"); });
}

}  // namespace quittance::server
