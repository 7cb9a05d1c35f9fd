// Stripe webhook signatures. See stripe/signature.h.
#include "server/stripe/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <optional>
#include <vector>

#include "core/text.h"

namespace quittance::server {

namespace {

using core::trim;

// Decimal digits only, at most 18 of them, so that the value fits an int64_t.
std::optional<std::int64_t> parse_timestamp(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

struct ParsedHeader {
  std::string_view timestamp_text;  // as sent: it is part of the signed message
  std::int64_t timestamp = 0;
  std::vector<std::string_view> v1;
};

std::optional<ParsedHeader> parse_header(std::string_view header) {
  ParsedHeader parsed;
  bool have_timestamp = false;
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view item = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (item.empty()) continue;  // "a,,b": tolerated, there is nothing in it to misread
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view key = item.substr(0, eq);
    std::string_view value = item.substr(eq + 1);
    if (key == "t") {
      // Two timestamps would leave us guessing which one was signed.
      if (have_timestamp) return std::nullopt;
      std::optional<std::int64_t> t = parse_timestamp(value);
      if (!t) return std::nullopt;
      parsed.timestamp_text = value;
      parsed.timestamp = *t;
      have_timestamp = true;
    } else if (key == "v1") {
      parsed.v1.push_back(value);
    }
    // Anything else (v0, a future scheme) is not ours to check.
  }
  if (!have_timestamp || parsed.v1.empty()) return std::nullopt;
  return parsed;
}

}  // namespace

const char* to_string(SignatureResult result) {
  switch (result) {
    case SignatureResult::ok:
      return "ok";
    case SignatureResult::missing_header:
      return "missing_header";
    case SignatureResult::malformed_header:
      return "malformed_header";
    case SignatureResult::no_matching_signature:
      return "no_matching_signature";
    case SignatureResult::timestamp_outside_tolerance:
      return "timestamp_outside_tolerance";
  }
  return "unknown";
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // A non-null pointer even for an empty key or message: OpenSSL 3 refuses a null key.
  static const unsigned char empty = 0;
  const void* key_data = key.empty() ? &empty : static_cast<const void*>(key.data());
  const unsigned char* message_data = message.empty() ? &empty : reinterpret_cast<const unsigned char*>(message.data());
  if (HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()), message_data, message.size(), digest, &length) ==
          nullptr ||
      length != 32) {
    return {};
  }
  return core::to_hex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string stripe_signature_v1(std::string_view timestamp, std::string_view raw_body, std::string_view secret) {
  std::string message;
  message.reserve(timestamp.size() + 1 + raw_body.size());
  message.append(timestamp).append(1, '.').append(raw_body);
  return hmac_sha256_hex(secret, message);
}

SignatureResult verify_stripe_signature(std::string_view header, std::string_view raw_body, std::string_view secret,
                                        std::int64_t now_unix, std::int64_t tolerance_s) {
  if (trim(header).empty()) return SignatureResult::missing_header;
  std::optional<ParsedHeader> parsed = parse_header(header);
  if (!parsed) return SignatureResult::malformed_header;

  // Without a secret anyone could compute the "signature": fail closed.
  if (secret.empty()) return SignatureResult::no_matching_signature;
  const std::string expected = stripe_signature_v1(parsed->timestamp_text, raw_body, secret);
  if (expected.size() != 64) return SignatureResult::no_matching_signature;

  bool matched = false;
  for (std::string_view candidate : parsed->v1) {
    // The length is public (always 64); only the content is compared in constant time, so
    // that response times do not reveal how many leading characters of a forgery are right.
    if (candidate.size() != expected.size()) continue;
    std::string lower(candidate);
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (CRYPTO_memcmp(lower.data(), expected.data(), expected.size()) == 0) matched = true;
  }
  if (!matched) return SignatureResult::no_matching_signature;

  // |now - t| computed in unsigned arithmetic: exact for any two int64_t, no overflow.
  const std::uint64_t t = static_cast<std::uint64_t>(parsed->timestamp);
  const std::uint64_t now = static_cast<std::uint64_t>(now_unix);
  const std::uint64_t distance = parsed->timestamp > now_unix ? t - now : now - t;
  const std::uint64_t tolerance = tolerance_s > 0 ? static_cast<std::uint64_t>(tolerance_s) : 0;
  if (distance > tolerance) return SignatureResult::timestamp_outside_tolerance;
  return SignatureResult::ok;
}

}  // namespace quittance::server
