// Configuration from the environment. See config.h.
#include "server/config.h"

#include <cstdlib>

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

}  // namespace

ParsedConfig config_from_environment(const EnvironmentLookup& lookup) {
  ParsedConfig parsed;
  auto get = [&lookup](const char* name) -> std::string {
    std::optional<std::string> value = lookup(name);
    return value ? *value : std::string();
  };
  ServerConfig& config = parsed.config;
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
  if (std::string public_url = get("QUITTANCE_PUBLIC_URL"); !public_url.empty()) {
    std::optional<std::string> url = normalise_url(public_url);
    if (!url) {
      parsed.error = "QUITTANCE_PUBLIC_URL must be an http:// or https:// URL, not '" + public_url + "'";
      return parsed;
    }
    config.public_url = *url;
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
  return parsed;
}

std::optional<std::string> process_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

}  // namespace quittance::server
