// The clinic's own Stripe account, seen from the app (docs/api.md, « Online payments »): its
// state and what Stripe asks for, the link to Stripe's onboarding form (the owner's), and what
// Stripe says of it once the practitioner is back. The server holds the account; this only
// asks and keeps the last answer for the screen.
#pragma once
#include <string>
#include <vector>

#include "app/commands.h"
#include "sync/server_link.h"

namespace quittance::sync {

struct AccountRequirement {
  std::string code;   // Stripe's, e.g. "individual.verification.document"
  bool pending = false;  // being checked by Stripe rather than due
  std::string error;  // why a document was refused, Stripe's code; "" when none
};

struct StripeAccountView {
  bool loaded = false;
  std::string mode;   // "none", "single" (the server's own keys), "platform" (Stripe Connect)
  std::string state;  // not_activated, incomplete, in_review, active, restricted, deauthorized, unavailable
  std::string country, dashboard_url;
  std::string current_deadline;  // UTC instant Stripe wants what is due by; "" when none
  std::vector<AccountRequirement> requirements;
};
StripeAccountView account_view_from_json(const Json& body);

class StripeAccount {
 public:
  StripeAccount(ServerLink& server, app::CommandLayer& commands);

  const StripeAccountView& view() const { return view_; }
  bool busy() const { return busy_; }

  // GET /api/stripe/account.
  void load(Done done);
  // « Activer les paiements en ligne » / « Reprendre l'activation »: the owner's request for a
  // link to Stripe's form; the answer's body has it as "url". `country`: two letters.
  void start_onboarding(const std::string& country, Done done);
  // Back from Stripe: what Stripe says of the account now.
  void refresh(Done done);
  void forgotten() {
    view_ = StripeAccountView{};
    busy_ = false;
  }

 private:
  void answered(const CallResult& r, const Done& done);

  ServerLink& server_;
  app::CommandLayer& commands_;
  StripeAccountView view_;
  bool busy_ = false;
};

}  // namespace quittance::sync
