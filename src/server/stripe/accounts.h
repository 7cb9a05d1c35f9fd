// Which Stripe account a clinic is paid into (docs/stripe.md). In platform mode each clinic
// has its own connected account (Stripe Connect, direct charges: the clinic pays Stripe's fees,
// has the full Stripe Dashboard, and Quittance adds no fee), made by the server and kept in
// stripe_accounts with what Stripe last said of it (account.updated, or a fetch when the
// practitioner comes back from Stripe's form). In single mode the server's own keys are the
// one clinic's account.
//
// StripeAccess is the only way the payment code gets a Stripe client for a clinic: scoped to
// the clinic's account (Stripe-Account), or a refusal the app puts in words. No object of a
// clinic is ever made on, or read from, the platform's own account.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/common.h"
#include "server/config.h"
#include "server/store/server_db.h"
#include "server/stripe/client.h"
#include "server/store/sql.h"

namespace quittance::server {

// What Stripe last said of a clinic's connected account.
struct ConnectedAccount {
  std::string clinic_id, account_id, country;
  bool charges_enabled = false, payouts_enabled = false, details_submitted = false;
  bool deauthorized = false;  // the practitioner disconnected Quittance from their Stripe account
  Json requirements = Json::object();  // Stripe's `requirements` object, as last known
};

// The states the app shows in Paramètres → « Paiements en ligne ».
enum class AccountState { not_activated, incomplete, in_review, active, restricted, deauthorized };
const char* to_string(AccountState state);
AccountState state_of(const std::optional<ConnectedAccount>& account);

// "acct_" and letters or digits: what may go in a Stripe-Account header.
bool valid_account_id(const std::string& id);

std::optional<ConnectedAccount> find_account_of_clinic(Sql& db, const std::string& clinic_id);
std::optional<ConnectedAccount> find_account(Sql& db, const std::string& account_id);
// Keeps the clinic's first account; gives the one kept (two owners activating at once get one).
ConnectedAccount keep_account(Sql& db, const std::string& clinic_id, const std::string& account_id,
                              const std::string& country, std::int64_t now);
// Stripe's account object as fetched now: the caller fetches it rather than trusting an
// event's copy, since Stripe does not promise the order of deliveries. False when the account
// is not one of ours.
bool update_account(Sql& db, const Json& account, std::int64_t now);
// account.application.deauthorized: the platform no longer reaches the account.
bool deauthorize_account(Sql& db, const std::string& account_id, std::int64_t now);

// The account's state for the app: {state, account_id?, country?, charges_enabled,
// payouts_enabled, details_submitted, requirements: [{code, error?}], current_deadline?}.
Json account_view(const std::optional<ConnectedAccount>& account);

// Single mode pays every clinic into the one account of the server's keys: a second clinic
// would collect its patients' money into the first's. The reason to refuse, or "" when
// `clinics` (those there are, or will be) fit the mode.
std::string stripe_mode_refusal(StripeMode mode, std::int64_t clinics);
std::int64_t clinic_count(Sql& db);

// A Stripe client for one clinic, or why there is none.
struct ClinicStripe {
  std::optional<StripeClient> client;
  int status = 0;  // the refusal, when no client
  std::string code, message;
};

class StripeAccess {
 public:
  // `platform`: the client of STRIPE_SECRET_KEY, null when not set.
  StripeAccess(StripeMode mode, std::shared_ptr<const StripeClient> platform, SharedDatabase& db);

  StripeMode mode() const { return mode_; }
  bool configured() const { return platform_ != nullptr; }
  // The platform's own client, for what belongs to no clinic (making accounts and links).
  const StripeClient* platform() const { return platform_.get(); }

  // For a new payment, card or set-up: only on an account that may take charges now.
  ClinicStripe for_payments(const std::string& clinic_id) const;
  // For what the clinic's account already holds (a refund, a fetch for an event): any account
  // the platform still reaches, active or not.
  ClinicStripe for_account(const std::string& clinic_id) const;
  // May the clinic take card payments now (whoami's card_payments)?
  bool payments_active(const std::string& clinic_id) const;
  // Single mode: the clinic the keys are for (the server's first); "" without any.
  std::string single_mode_clinic() const;

 private:
  ClinicStripe resolve(const std::string& clinic_id, bool to_charge) const;
  StripeMode mode_;
  std::shared_ptr<const StripeClient> platform_;
  SharedDatabase& db_;
};

}  // namespace quittance::server
