// The Stripe-Signature header and the raw body (src/server/stripe/signature.h): the first line
// of the input is the header, the rest the body. Never accepted without the secret's HMAC.
#include <cstdlib>
#include <string_view>

#include "fuzz_target.h"
#include "server/stripe/signature.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view header = input.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  using quittance::server::SignatureResult;
  const SignatureResult r = quittance::server::verify_stripe_signature(header, body, "whsec_fuzz", 1'800'000'000);
  // The fuzzer cannot know the secret: an acceptance means the check let a forgery through.
  if (r == SignatureResult::ok) std::abort();
  return 0;
}
