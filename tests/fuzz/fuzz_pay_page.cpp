// The patient payment page's API (src/server/pay/page.h), which anyone on the Internet can
// call: the first line of the input is the link's token, the rest the body of POST
// /api/pay/TOKEN/intent. Every answer is a status and a JSON object; never a crash. (Links are
// 256 random bits: the fuzzer meets unknown and malformed ones, which must all look alike.)
#include <cstdlib>
#include <string>

#include "app/bounded_json.h"
#include "fuzz_server.h"
#include "fuzz_target.h"
#include "server/pay/page.h"

namespace {

using namespace quittance::server;

struct Server {
  quittance::fuzzing::TempServer temp{"pay"};
  SnapshotStore books{""};
  // Without Stripe's key: nothing leaves the process.
  PayContext ctx{*temp.db,
                 books,
                 std::make_shared<const StripeAccess>(StripeMode::none, nullptr, *temp.db),
                 [] { return quittance::fuzzing::kNow; },
                 "pk_test_fuzz",
                 "https://js.stripe.com/v3/"};
};

void check(const ApiAnswer& a) {
  if (a.status < 200 || a.status > 599 || !a.body.is_object()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Server server;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string token = input.substr(0, newline);
  check(pay_view(server.ctx, token));
  if (newline == std::string::npos) return 0;
  const auto body = quittance::app::parse_bounded_json(std::string_view(input).substr(newline + 1));
  if (body && body->is_object()) check(pay_intent(server.ctx, token, *body));
  return 0;
}
