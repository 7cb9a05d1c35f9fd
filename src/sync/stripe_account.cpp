// The clinic's Stripe account from the app. See sync/stripe_account.h.
#include "sync/stripe_account.h"

#include "app/command_id.h"

namespace quittance::sync {

StripeAccountView account_view_from_json(const Json& body) {
  StripeAccountView v;
  if (!body.is_object()) return v;
  v.loaded = true;
  v.mode = body.value("mode", std::string("none"));
  v.state = body.value("state", std::string("unavailable"));
  v.country = body.value("country", std::string());
  v.dashboard_url = body.value("dashboard_url", std::string());
  v.current_deadline = body.value("current_deadline", std::string());
  for (const Json& r : body.value("requirements", Json::array())) {
    if (!r.is_object()) continue;
    v.requirements.push_back(
        {r.value("code", std::string()), r.value("pending", false), r.value("error", std::string())});
  }
  return v;
}

StripeAccount::StripeAccount(ServerLink& server, app::CommandLayer& commands) : server_(server), commands_(commands) {}

void StripeAccount::answered(const CallResult& r, const Done& done) {
  busy_ = false;
  if (r.ok()) {
    view_ = account_view_from_json(r.body);
    server_.refresh_soon();  // card features follow the account (whoami's card_payments)
  }
  server_.changed();
  if (done) done(r);
}

void StripeAccount::load(Done done) {
  if (!server_.link().paired()) return;  // nothing to ask
  busy_ = true;
  server_.call("GET", "/api/stripe/account", nullptr,
               [this, done = std::move(done)](const CallResult& r) { answered(r, done); });
}

void StripeAccount::start_onboarding(const std::string& country, Done done) {
  if (!server_.link().paired()) return;  // nothing to ask
  busy_ = true;
  const Json body = {{"command_id", app::new_command_id()}, {"role", signed_in_role(commands_)}, {"country", country}};
  server_.call("POST", "/api/stripe/account/link", &body,
               [this, done = std::move(done)](const CallResult& r) { answered(r, done); });
}

void StripeAccount::refresh(Done done) {
  if (!server_.link().paired()) return;  // nothing to ask
  busy_ = true;
  const Json body = {{"role", signed_in_role(commands_)}};
  server_.call("POST", "/api/stripe/account/refresh", &body,
               [this, done = std::move(done)](const CallResult& r) { answered(r, done); });
}

}  // namespace quittance::sync
