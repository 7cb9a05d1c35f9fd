// verify_stripe_signature and its HMAC, with no server: every outcome of the check, and the
// HMAC against vectors computed outside our code (RFC 4231, and `openssl dgst`).
#include <doctest/doctest.h>

#include <cctype>
#include <cstdint>
#include <string>

#include "server/stripe/signature.h"

using namespace quittance::server;

namespace {

const std::string kSecret = "whsec_test_secret";
const std::string kBody = R"({"id":"evt_1","type":"payment_intent.succeeded"})";
constexpr std::int64_t kT = 1700000000;

std::string header_for(std::int64_t t, const std::string& body = kBody, const std::string& secret = kSecret) {
  const std::string ts = std::to_string(t);
  return "t=" + ts + ",v1=" + stripe_signature_v1(ts, body, secret);
}

}  // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231 and openssl dgst") {
  // RFC 4231, test case 2.
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // printf '%s' '1700000000.{"id":"evt_1","type":"payment_intent.succeeded"}' |
  //   openssl dgst -sha256 -hmac 'whsec_test_secret'
  CHECK(stripe_signature_v1("1700000000", kBody, kSecret) ==
        "22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31");
  CHECK(hmac_sha256_hex("", "").size() == 64);  // an empty key still hashes, without crashing
}

TEST_CASE("a genuine signature within the tolerance is accepted") {
  CHECK(verify_stripe_signature(header_for(kT), kBody, kSecret, kT) == SignatureResult::ok);
  CHECK(verify_stripe_signature(header_for(kT), kBody, kSecret, kT + 300) == SignatureResult::ok);
  CHECK(verify_stripe_signature(header_for(kT), kBody, kSecret, kT - 300) == SignatureResult::ok);
  // Stripe's own order and spacing variants, v0 and unknown schemes ignored.
  const std::string sig = stripe_signature_v1("1700000000", kBody, kSecret);
  CHECK(verify_stripe_signature("v1=" + sig + ",t=1700000000", kBody, kSecret, kT) == SignatureResult::ok);
  CHECK(verify_stripe_signature("t=1700000000, v1=" + sig + ", v0=abc, v9=x", kBody, kSecret, kT) ==
        SignatureResult::ok);
  std::string upper = sig;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(verify_stripe_signature("t=1700000000,v1=" + upper, kBody, kSecret, kT) == SignatureResult::ok);
}

TEST_CASE("a signature made with another secret does not match") {
  CHECK(verify_stripe_signature(header_for(kT, kBody, "whsec_other"), kBody, kSecret, kT) ==
        SignatureResult::no_matching_signature);
  // An empty configured secret never verifies, even a signature made with the empty key.
  CHECK(verify_stripe_signature(header_for(kT, kBody, ""), kBody, "", kT) == SignatureResult::no_matching_signature);
}

TEST_CASE("a timestamp outside the tolerance is refused, in the past and in the future") {
  CHECK(verify_stripe_signature(header_for(kT), kBody, kSecret, kT + 301) ==
        SignatureResult::timestamp_outside_tolerance);
  CHECK(verify_stripe_signature(header_for(kT), kBody, kSecret, kT - 301) ==
        SignatureResult::timestamp_outside_tolerance);
  CHECK(verify_stripe_signature(header_for(kT), kBody, kSecret, kT + 86400, 300) ==
        SignatureResult::timestamp_outside_tolerance);
  CHECK(verify_stripe_signature(header_for(kT), kBody, kSecret, kT + 1000, 1000) == SignatureResult::ok);
  // Extremes of the clock do not overflow the distance.
  CHECK(verify_stripe_signature(header_for(kT), kBody, kSecret, INT64_MIN) ==
        SignatureResult::timestamp_outside_tolerance);
  CHECK(verify_stripe_signature(header_for(kT), kBody, kSecret, INT64_MAX) ==
        SignatureResult::timestamp_outside_tolerance);
  CHECK(verify_stripe_signature(header_for(kT), kBody, kSecret, kT, -5) == SignatureResult::ok);  // exact time
}

TEST_CASE("a tampered body, or a tampered timestamp, no longer matches") {
  std::string tampered = kBody;
  tampered[tampered.size() - 3] = 'x';
  CHECK(verify_stripe_signature(header_for(kT), tampered, kSecret, kT) == SignatureResult::no_matching_signature);
  CHECK(verify_stripe_signature(header_for(kT), kBody + " ", kSecret, kT) == SignatureResult::no_matching_signature);
  // The signature of time kT moved to another time: the timestamp is part of the message.
  const std::string sig = stripe_signature_v1("1700000000", kBody, kSecret);
  CHECK(verify_stripe_signature("t=1700000001,v1=" + sig, kBody, kSecret, kT) ==
        SignatureResult::no_matching_signature);
  // A flipped hex digit of the signature.
  std::string flipped = sig;
  flipped[10] = flipped[10] == '0' ? '1' : '0';
  CHECK(verify_stripe_signature("t=1700000000,v1=" + flipped, kBody, kSecret, kT) ==
        SignatureResult::no_matching_signature);
}

TEST_CASE("a missing header is told apart from a malformed one") {
  CHECK(verify_stripe_signature("", kBody, kSecret, kT) == SignatureResult::missing_header);
  CHECK(verify_stripe_signature("   ", kBody, kSecret, kT) == SignatureResult::missing_header);
  const std::string sig = stripe_signature_v1("1700000000", kBody, kSecret);
  for (const std::string& header : {std::string("garbage"), "v1=" + sig,                   // no t
                                    std::string("t=1700000000"),                          // no v1
                                    "t=1700000000,v0=" + sig,                             // v0 only
                                    "t=,v1=" + sig, "t=-1700000000,v1=" + sig,            // t not a number
                                    "t=17e8,v1=" + sig, "t=1700000000 ,v1=" + sig + ",x", // item without '='
                                    "t=1700000000,t=1700000000,v1=" + sig,                // two t
                                    "t=9999999999999999999,v1=" + sig}) {                 // t too long
    CAPTURE(header);
    CHECK(verify_stripe_signature(header, kBody, kSecret, kT) == SignatureResult::malformed_header);
  }
}

TEST_CASE("among several v1 signatures, one valid is enough") {
  const std::string good = stripe_signature_v1("1700000000", kBody, kSecret);
  const std::string old = stripe_signature_v1("1700000000", kBody, "whsec_old_secret");
  CHECK(verify_stripe_signature("t=1700000000,v1=" + old + ",v1=" + good, kBody, kSecret, kT) == SignatureResult::ok);
  CHECK(verify_stripe_signature("t=1700000000,v1=short,v1=" + good + ",v1=" + old, kBody, kSecret, kT) ==
        SignatureResult::ok);
  CHECK(verify_stripe_signature("t=1700000000,v1=" + old + ",v1=" + old, kBody, kSecret, kT) ==
        SignatureResult::no_matching_signature);
  CHECK(verify_stripe_signature("t=1700000000,v1=,v1=" + std::string(64, 'z'), kBody, kSecret, kT) ==
        SignatureResult::no_matching_signature);
}

TEST_CASE("results have names for the logs") {
  CHECK(std::string(to_string(SignatureResult::ok)) == "ok");
  CHECK(std::string(to_string(SignatureResult::missing_header)) == "missing_header");
  CHECK(std::string(to_string(SignatureResult::malformed_header)) == "malformed_header");
  CHECK(std::string(to_string(SignatureResult::no_matching_signature)) == "no_matching_signature");
  CHECK(std::string(to_string(SignatureResult::timestamp_outside_tolerance)) == "timestamp_outside_tolerance");
}
