// A Stripe event's body as the webhooks apply it once its signature verified
// (src/server/stripe/webhook.h): whatever a genuine-looking event holds (Stripe's objects change,
// and a compromised dashboard writes metadata), it is recorded, refused or left for
// redelivery with an answer; never a crash. Each input goes to both endpoints: the account
// endpoint of a server without Stripe's key (nothing fetched), and the Connect endpoint of a
// platform whose one clinic has a connected account (acct_fuzz), whose fetches find no Stripe
// (a closed local port, no retry) and leave the event for redelivery.
#include <cstdlib>
#include <string>

#include "app/bounded_json.h"
#include "fuzz_server.h"
#include "fuzz_target.h"
#include "server/stripe/accounts.h"
#include "server/stripe/webhook.h"

namespace {

using namespace quittance::server;

struct Server {
  quittance::fuzzing::TempServer temp{"webhook"};
  PaymentsContext ctx{*temp.db, std::make_shared<const StripeAccess>(StripeMode::none, nullptr, *temp.db),
                      [] { return quittance::fuzzing::kNow; }, {}};
};

std::shared_ptr<const StripeClient> unreachable_stripe() {
  auto client = std::make_shared<StripeClient>("http://127.0.0.1:1", "sk_test_fuzz");
  client->max_retries = 0;
  client->timeout_seconds = 1;
  return client;
}

struct Platform {
  quittance::fuzzing::TempServer temp{"webhook-connect"};
  PaymentsContext ctx{*temp.db, std::make_shared<const StripeAccess>(StripeMode::platform, unreachable_stripe(), *temp.db),
                      [] { return quittance::fuzzing::kNow; }, {}};
  Platform() {
    temp.db->with([](Sql& d) {
      SqlStatement s = d.prepare("SELECT id FROM clinics");
      s.step();
      keep_account(d, s.column_text(0), "acct_fuzz", "FR", quittance::fuzzing::kNow);
    });
  }
};

void check(const ApiAnswer& answer) {
  if (answer.status < 200 || answer.status > 599 || !answer.body.is_object()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Server server;
  static Platform platform;
  const std::string raw(reinterpret_cast<const char*>(data), size);
  const auto event = quittance::app::parse_bounded_json(raw);
  // As the route does before applying: an object with an id and a type.
  if (!event || !event->is_object() || !event->value("id", nlohmann::json()).is_string() ||
      !event->value("type", nlohmann::json()).is_string()) {
    return 0;
  }
  check(apply_stripe_event(server.ctx, *event, raw, WebhookEndpoint::account));
  check(apply_stripe_event(platform.ctx, *event, raw, WebhookEndpoint::connect));
  return 0;
}
