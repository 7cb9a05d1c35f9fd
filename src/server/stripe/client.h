// Stripe's API over HTTPS, through libcurl: the only code that holds the secret key in a
// request. Every POST carries an Idempotency-Key, which the caller derives from the app's
// command id, so that a retry (ours, after a network cut, or the app's, after our 502) returns
// the first request's outcome instead of charging again.
//
// The API version is pinned (Stripe-Version), so that an upgrade of the account's default
// version in Stripe's dashboard cannot change the shape of what we parse.
#pragma once
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "server/stripe/form.h"

namespace quittance::server {

inline constexpr const char* kStripeApiVersion = "2024-06-20";

struct StripeResponse {
  int status = 0;               // HTTP status; 0 when Stripe was not reached or did not answer
  nlohmann::json body;          // the parsed answer (an object), or null
  std::string transport_error;  // why status is 0 (curl's message; never holds a secret)
  int attempts = 0;
  std::optional<bool> stripe_should_retry;  // the Stripe-Should-Retry header, when sent

  bool answered() const { return status != 0; }
  bool ok() const { return status >= 200 && status < 300 && body.is_object(); }
  // Stripe's error object, {"type", "code", "decline_code", "message", ...}, or null.
  const nlohmann::json& error() const;
};

class StripeClient {
 public:
  // `api_base` without a trailing '/', e.g. "https://api.stripe.com" or a test double's URL.
  StripeClient(std::string api_base, std::string secret_key);

  // The same client acting in a connected account (Stripe Connect, direct charges): every
  // request carries `Stripe-Account: account`, so what it makes lives in the clinic's own
  // Stripe account and what it reads is that account's only. `account` is "acct_" and letters
  // or digits (a header's bytes), which the caller has checked (stripe/accounts.h).
  StripeClient on_account(const std::string& account) const;
  const std::string& account() const { return account_; }  // "" on the platform's own account

  // POST api_base + path with the form body. Retried (same key, same body) after a transport
  // error, a 5xx or Stripe-Should-Retry: true, up to `max_retries` times with a short backoff.
  StripeResponse post(const std::string& path, const FormParams& params, const std::string& idempotency_key) const;
  // GET api_base + path + "?" + query. Retried like post (a GET is safe to repeat).
  StripeResponse get(const std::string& path, const FormParams& query = {}) const;

  int max_retries = 2;
  std::chrono::milliseconds backoff{300};
  long timeout_seconds = 40;

 private:
  StripeResponse send(const std::string& method, const std::string& url, const std::string& body,
                      const std::string& idempotency_key) const;
  StripeResponse with_retries(const std::string& method, const std::string& url, const std::string& body,
                              const std::string& idempotency_key) const;
  std::string api_base_;
  std::string secret_key_;
  std::string account_;
};

// curl_global_init, once per process; main() calls it before any thread starts.
void init_http_client();

}  // namespace quittance::server
