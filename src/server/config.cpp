// Configuration from the environment. See config.h.
#include "server/config.h"
#include "server/http/hardened_server.h"

#include <cstdio>
#include <cstdlib>
#include <tuple>
#include <utility>

namespace quittance::server {

namespace {

bool has_http_scheme(const std::string& url) { return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0; }

bool has_blank_or_control(const std::string& text) {
  for (unsigned char c : text) {
    if (c <= ' ' || c == 0x7f) return true;
  }
  return false;
}

// An absolute http(s) URL without spaces; its trailing slashes are dropped so that routes can
// be appended ("https://api.stripe.com" + "/v1/...").
std::optional<std::string> normalise_url(std::string url) {
  if (!has_http_scheme(url) || has_blank_or_control(url)) return std::nullopt;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url == "http:" || url == "https:") return std::nullopt;  // nothing after the scheme
  return url;
}

// scheme://host[:port], nothing more: the form of a browser's Origin header.
bool is_origin(const std::string& origin) {
  if (!has_http_scheme(origin) || has_blank_or_control(origin)) return false;
  std::string rest = origin.substr(origin.find("://") + 3);
  if (rest.empty()) return false;
  for (char c : rest) {
    if (c == '/' || c == '?' || c == '#' || c == '*' || c == '@') return false;
  }
  return true;
}

// smtp[s]://host[:port][/ehlo-domain], no credentials: a password in a URL ends up in logs.
bool is_smtp_url(const std::string& url) {
  const bool scheme = url.rfind("smtp://", 0) == 0 || url.rfind("smtps://", 0) == 0;
  if (!scheme || has_blank_or_control(url)) return false;
  const std::string rest = url.substr(url.find("://") + 3);
  return !rest.empty() && rest.front() != '/' && rest.front() != ':' && rest.find_first_of("@?#") == std::string::npos;
}

// SMTP_FROM: "addr" or "Display Name <addr>" (the name may be quoted).
std::optional<std::pair<std::string, std::string>> parse_mailbox(const std::string& text) {
  std::string name, address = text;
  if (const std::size_t open = text.find('<'); open != std::string::npos) {
    if (text.back() != '>') return std::nullopt;
    address = text.substr(open + 1, text.size() - open - 2);
    name = text.substr(0, open);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return std::nullopt;
  }
  if (!valid_email_address(address)) return std::nullopt;
  return std::make_pair(name, address);
}

std::string smtp_error(const std::string& url, const std::string& user, const std::string& password,
                       const std::string& from) {
  if (url.empty()) {
    if (!user.empty() || !password.empty() || !from.empty())
      return "SMTP_USER, SMTP_PASSWORD and SMTP_FROM need SMTP_URL (empty: no email is sent)";
    return "";
  }
  // The value is not repeated: it could hold a password ("smtp://user:secret@host").
  if (!is_smtp_url(url))
    return "SMTP_URL must be smtp://host:port or smtps://host:port, without credentials "
           "(they go in SMTP_USER and SMTP_PASSWORD)";
  if (user.empty() != password.empty()) return "SMTP_USER and SMTP_PASSWORD must be set together";
  if (from.empty()) return "SMTP_FROM is required when SMTP_URL is set (an address, or \"Name <address>\")";
  if (!parse_mailbox(from)) return "SMTP_FROM must be an address, or \"Name <address>\", not '" + from + "'";
  return "";
}

// STRIPE_MODE, the Connect webhook's secret and the dashboard's address, checked together.
template <typename Get>
std::string stripe_mode_error(const Get& get, ServerConfig& config) {
  const std::string mode = get("STRIPE_MODE");
  config.stripe_connect_webhook_secret = get("STRIPE_CONNECT_WEBHOOK_SECRET");
  if (mode != "" && mode != "single" && mode != "platform")
    return "STRIPE_MODE must be single (one clinic, its own Stripe keys) or platform (Stripe Connect), not '" + mode +
           "'";
  if (config.stripe_secret_key.empty()) {
    if (!mode.empty()) return "STRIPE_MODE is set but STRIPE_SECRET_KEY is not";
    config.stripe_mode = StripeMode::none;
  } else {
    config.stripe_mode = mode == "platform" ? StripeMode::platform : StripeMode::single;
  }
  if (config.stripe_mode == StripeMode::platform && config.stripe_connect_webhook_secret.empty())
    return "STRIPE_MODE=platform needs STRIPE_CONNECT_WEBHOOK_SECRET (the Connect endpoint's signing secret, whsec_...)";
  if (config.stripe_mode != StripeMode::platform && !config.stripe_connect_webhook_secret.empty())
    return "STRIPE_CONNECT_WEBHOOK_SECRET is set but STRIPE_MODE is not platform";
  const bool test_key = config.stripe_secret_key.rfind("sk_test_", 0) == 0 ||
                        config.stripe_secret_key.rfind("rk_test_", 0) == 0;
  config.stripe_dashboard_url = test_key ? "https://dashboard.stripe.com/test/dashboard" : "https://dashboard.stripe.com/";
  if (std::string dashboard = get("STRIPE_DASHBOARD_URL"); !dashboard.empty()) {
    if (!normalise_url(dashboard)) return "STRIPE_DASHBOARD_URL must be an http:// or https:// URL, not '" + dashboard + "'";
    config.stripe_dashboard_url = dashboard;
  }
  return "";
}

}  // namespace

ParsedConfig config_from_environment(const EnvironmentLookup& lookup) {
  ParsedConfig parsed;
  auto get = [&lookup](const char* name) -> std::string {
    std::optional<std::string> value = lookup(name);
    return value ? *value : std::string();
  };
  ServerConfig& config = parsed.config;
  // First: the commands that only open the database read it even if a later setting is wrong.
  config.database_url = get("QUITTANCE_DATABASE_URL");
  if (!config.database_url.empty() && config.database_url.rfind("postgresql://", 0) != 0 &&
      config.database_url.rfind("postgres://", 0) != 0) {
    parsed.error = "QUITTANCE_DATABASE_URL must be a postgresql:// URL (unset: SQLite in --data)";
    config.database_url.clear();
    return parsed;
  }
  config.stripe_secret_key = get("STRIPE_SECRET_KEY");
  config.stripe_webhook_secret = get("STRIPE_WEBHOOK_SECRET");

  if (std::string base = get("STRIPE_API_BASE"); !base.empty()) {
    std::optional<std::string> url = normalise_url(base);
    if (!url) {
      parsed.error = "STRIPE_API_BASE must be an http:// or https:// URL, not '" + base + "'";
      return parsed;
    }
    config.stripe_api_base = *url;
  }
  if (std::string error = stripe_mode_error(get, config); !error.empty()) {
    parsed.error = error;
    return parsed;
  }
  config.stripe_publishable_key = get("STRIPE_PUBLISHABLE_KEY");
  if (has_blank_or_control(config.stripe_publishable_key)) {
    parsed.error = "STRIPE_PUBLISHABLE_KEY must be one word (pk_...)";
    return parsed;
  }
  if (std::string js = get("STRIPE_JS_URL"); !js.empty()) {
    // Kept as given, trailing '/' included: it is the script's address, not a base to extend.
    if (!normalise_url(js)) {
      parsed.error = "STRIPE_JS_URL must be an http:// or https:// URL, not '" + js + "'";
      return parsed;
    }
    config.stripe_js_url = js;
  }
  if (std::string public_url = get("QUITTANCE_PUBLIC_URL"); !public_url.empty()) {
    std::optional<std::string> url = normalise_url(public_url);
    if (!url) {
      parsed.error = "QUITTANCE_PUBLIC_URL must be an http:// or https:// URL, not '" + public_url + "'";
      return parsed;
    }
    config.public_url = *url;
  }
  // Stripe sends the practitioner back from its onboarding form to this server's address.
  if (config.stripe_mode == StripeMode::platform && config.public_url.empty()) {
    parsed.error = "STRIPE_MODE=platform needs QUITTANCE_PUBLIC_URL: Stripe's onboarding returns there";
    return parsed;
  }
  // Every clinic's patients pay on the payment page, whose Stripe.js needs the platform's key.
  if (config.stripe_mode == StripeMode::platform && config.stripe_publishable_key.empty()) {
    parsed.error = "STRIPE_MODE=platform needs STRIPE_PUBLISHABLE_KEY (pk_...): the payment page's Stripe.js";
    return parsed;
  }
  if (std::string origin = get("QUITTANCE_ALLOWED_ORIGIN"); !origin.empty()) {
    if (!is_origin(origin)) {
      parsed.error =
          "QUITTANCE_ALLOWED_ORIGIN must be one origin such as https://app.example.fr "
          "(scheme and host, no path nor trailing '/'), not '" +
          origin + "'";
      return parsed;
    }
    config.allowed_origin = origin;
  }
  if (std::string proxies = get("QUITTANCE_TRUSTED_PROXIES"); !proxies.empty()) {
    config.trusted_proxies = parse_trusted_proxies(proxies, &parsed.error);
    if (!parsed.ok()) return parsed;
  }
  if (std::string hours = get("MAIL_HOURS"); !hours.empty()) {
    int opens = -1, closes = -1;
    char rest = 0;
    if (std::sscanf(hours.c_str(), "%d-%d%c", &opens, &closes, &rest) != 2 || opens < 0 || closes > 24 ||
        opens >= closes) {
      parsed.error = "MAIL_HOURS must be two hours such as 8-20 (from 0 to 24, the first before the second), not '" +
                     hours + "'";
      return parsed;
    }
    config.mail_opens = opens;
    config.mail_closes = closes;
  }
  const std::string smtp_url = get("SMTP_URL"), smtp_from = get("SMTP_FROM");
  config.smtp.user = get("SMTP_USER");
  config.smtp.password = get("SMTP_PASSWORD");
  parsed.error = smtp_error(smtp_url, config.smtp.user, config.smtp.password, smtp_from);
  if (!parsed.ok() || smtp_url.empty()) return parsed;
  config.smtp.url = smtp_url;
  std::tie(config.smtp.from_name, config.smtp.from_address) = *parse_mailbox(smtp_from);
  return parsed;
}

std::optional<std::string> process_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

}  // namespace quittance::server
