// Verification of the Stripe-Signature header that Stripe puts on every webhook delivery.
// Pure computation (OpenSSL's HMAC, no I/O, no clock of its own), so every case is tested on
// its own; the route in http/api_routes.cpp only passes the header, the raw body, the secret and
// the time. See https://docs.stripe.com/webhooks#verify-manually.
//
// The header is "t=TIMESTAMP,v1=HEX[,v1=HEX...][,v0=HEX]". Stripe signs the string
// TIMESTAMP + "." + RAW_BODY with HMAC-SHA256, the key being the endpoint's secret exactly as
// shown by Stripe ("whsec_..." included). Several v1 appear while a secret is being rolled;
// any one of them matching is enough. v0 (an old test-mode scheme) and unknown keys are ignored.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace quittance::server {

enum class SignatureResult {
  ok,
  missing_header,               // no header, or only blanks
  malformed_header,             // an item without '=', no usable t, or no v1 at all
  no_matching_signature,        // no v1 is the HMAC of this body with this secret
  timestamp_outside_tolerance,  // genuine, but signed too long ago (or in the future): a replay
};

// "ok", "missing_header", ...: the names above, for logs and error messages.
const char* to_string(SignatureResult result);

// Checks `header` (the Stripe-Signature value) against `raw_body`, the request body exactly as
// received: re-serialised JSON would not match. The signature is checked first and the time
// second, so timestamp_outside_tolerance always means a genuine signature. The timestamp must
// lie within `tolerance_s` of `now_unix`, in either direction. An empty secret never verifies.
SignatureResult verify_stripe_signature(std::string_view header, std::string_view raw_body, std::string_view secret,
                                        std::int64_t now_unix, std::int64_t tolerance_s = 300);

// Lower-case hex HMAC-SHA256 of `message` under `key`: 64 characters, or "" if OpenSSL fails.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// The v1 signature Stripe would send: hmac_sha256_hex(secret, timestamp + "." + raw_body).
// Also what the tests use to sign the events they deliver.
std::string stripe_signature_v1(std::string_view timestamp, std::string_view raw_body, std::string_view secret);

}  // namespace quittance::server
