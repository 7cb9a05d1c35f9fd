// quittance-server's configuration from the environment: the Stripe keys and the public
// addresses. main() reads it once and passes it down, so no handler reads the environment and
// the tests build any configuration they need. Secrets live here and nowhere else: never print
// a ServerConfig, and error messages name a variable, never a secret's value.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "server/http/hardened_server.h"
#include "server/mail/smtp_sender.h"
#include "server/sync/quotas.h"

namespace quittance::server {

// How the server reaches Stripe (docs/stripe.md). STRIPE_MODE=platform: a hosted server's;
// STRIPE_SECRET_KEY is the platform's, each clinic is paid into its own connected account
// (stripe/accounts.h). STRIPE_MODE=single, the default when a key is set: a self-hosted
// server's one clinic, paid into the key's own account; a server with several clinics refuses
// to start in it. No key: no card payments.
enum class StripeMode { none, single, platform };

struct ServerConfig {
  // QUITTANCE_DATABASE_URL: the server's database on PostgreSQL (postgresql://…, libpq's URI);
  // empty: SQLite in the --data folder (store/server_db.h).
  std::string database_url;
  StripeMode stripe_mode = StripeMode::none;
  std::string stripe_secret_key;      // STRIPE_SECRET_KEY; empty: card routes answer 503
  std::string stripe_webhook_secret;  // STRIPE_WEBHOOK_SECRET ("whsec_..."); empty: webhook answers 503
  // STRIPE_CONNECT_WEBHOOK_SECRET: the Connect endpoint's (events of the connected accounts);
  // required in platform mode.
  std::string stripe_connect_webhook_secret;
  // STRIPE_DASHBOARD_URL: where « Ouvrir le tableau de bord Stripe » goes (the practitioner signs
  // in to their own account there); Stripe's, in test mode for a test key, by default.
  std::string stripe_dashboard_url;
  std::string stripe_api_base = "https://api.stripe.com";  // STRIPE_API_BASE, no trailing '/'
  std::string public_url;                                  // QUITTANCE_PUBLIC_URL, no trailing '/'; empty: not set
  // The patient payment page's Stripe.js: STRIPE_PUBLISHABLE_KEY ("pk_..."; not a secret, the
  // page holds it) and STRIPE_JS_URL, kept as given (its origin goes in the page's CSP).
  std::string stripe_publishable_key;
  std::string stripe_js_url = "https://js.stripe.com/v3/";
  // QUITTANCE_ALLOWED_ORIGIN: the one origin ("https://app.example.fr") whose pages may call
  // /api/ from a browser (CORS). Empty: no cross-origin access at all.
  std::string allowed_origin;
  // QUITTANCE_TRUSTED_PROXIES: the reverse proxies' addresses, comma-separated. A request from
  // one of them is counted against the client address it forwards (X-Forwarded-For); from
  // anyone else, X-Forwarded-For is ignored. Empty: no proxy is trusted.
  TrustedProxies trusted_proxies;
  // What one device and one clinic may push (sync/quotas.h); the defaults, which tests lower.
  QuotaLimits quotas;
  // SMTP_URL, SMTP_USER, SMTP_PASSWORD, SMTP_FROM ("addr" or "Name <addr>", split into
  // from_name and from_address). Empty url: mail not configured.
  SmtpConfig smtp;
  // MAIL_HOURS: the sending window, "8-20" (default): no email before 08:00 or from 20:00 at the
  // practice (its time zone); "0-24" sends at any hour (the browser tests, which run whenever).
  int mail_opens = 8, mail_closes = 20;
};

struct ParsedConfig {
  ServerConfig config;
  std::string error;  // empty when valid
  bool ok() const { return error.empty(); }
};

// `lookup(name)` gives a variable's value, or nullopt when unset; an empty value counts as
// unset. URLs must start with http:// or https://; the origin must be scheme://host[:port]
// exactly, since browsers compare it byte for byte ("*" is refused). SMTP_URL must be
// smtp://host[:port] or smtps://host[:port], without credentials (they go in SMTP_USER and
// SMTP_PASSWORD, which come together); SMTP_FROM is required with it, and SMTP_USER,
// SMTP_PASSWORD and SMTP_FROM without SMTP_URL are refused rather than silently ignored.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
ParsedConfig config_from_environment(const EnvironmentLookup& lookup);

// The process environment, through std::getenv.
std::optional<std::string> process_environment(const std::string& name);

}  // namespace quittance::server
