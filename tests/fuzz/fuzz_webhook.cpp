// A Stripe event's body as the webhook applies it once its signature verified
// (src/server/stripe/webhook.h): whatever a genuine-looking event holds (Stripe's objects change,
// and a compromised dashboard writes metadata), it is recorded, refused or left for
// redelivery with an answer; never a crash. Without Stripe's key, nothing is fetched.
#include <cstdlib>
#include <string>

#include "app/bounded_json.h"
#include "fuzz_server.h"
#include "fuzz_target.h"
#include "server/stripe/webhook.h"

namespace {

using namespace quittance::server;

struct Server {
  quittance::fuzzing::TempServer temp{"webhook"};
  PaymentsContext ctx{*temp.db, nullptr, [] { return quittance::fuzzing::kNow; }};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Server server;
  const std::string raw(reinterpret_cast<const char*>(data), size);
  const auto event = quittance::app::parse_bounded_json(raw);
  // As the route does before applying: an object with an id and a type.
  if (!event || !event->is_object() || !event->value("id", nlohmann::json()).is_string() ||
      !event->value("type", nlohmann::json()).is_string()) {
    return 0;
  }
  const ApiAnswer answer = apply_stripe_event(server.ctx, *event, raw);
  if (answer.status < 200 || answer.status > 599 || !answer.body.is_object()) std::abort();
  return 0;
}
