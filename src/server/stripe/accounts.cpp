// Clinics' Stripe accounts. See stripe/accounts.h.
#include "server/stripe/accounts.h"

#include <algorithm>
#include <cctype>

#include "core/schedule.h"
#include "server/http/json_lenient.h"

namespace quittance::server {

namespace {

using lenient::text;

bool non_empty_list(const Json& requirements, const char* name) {
  auto it = requirements.find(name);
  return it != requirements.end() && it->is_array() && !it->empty();
}

ConnectedAccount read_row(SqlStatement& s) {
  ConnectedAccount a;
  a.clinic_id = s.column_text(0);
  a.account_id = s.column_text(1);
  a.country = s.column_text(2);
  a.charges_enabled = s.column_int64(3) != 0;
  a.payouts_enabled = s.column_int64(4) != 0;
  a.details_submitted = s.column_int64(5) != 0;
  a.requirements = Json::parse(s.column_text(6), nullptr, false);
  if (!a.requirements.is_object()) a.requirements = Json::object();
  a.deauthorized = s.column_int64(7) != 0;
  return a;
}

constexpr const char* kColumns =
    "SELECT clinic_id, account_id, country, charges_enabled, payouts_enabled, details_submitted, requirements, "
    "deauthorized FROM stripe_accounts ";

// Only the parts of Stripe's requirements the app shows: what is due, what is being checked,
// and why a document was refused. The rest of the object (alternatives, future requirements)
// stays at Stripe.
Json kept_requirements(const Json& account) {
  const Json& r = account.contains("requirements") && account["requirements"].is_object() ? account["requirements"]
                                                                                           : Json::object();
  Json kept = Json::object();
  for (const char* list : {"currently_due", "past_due", "pending_verification", "eventually_due"}) {
    Json codes = Json::array();
    for (const Json& code : r.value(list, Json::array()))
      if (code.is_string()) codes.push_back(code);
    kept[list] = codes;
  }
  Json errors = Json::array();
  for (const Json& e : r.value("errors", Json::array()))
    if (e.is_object()) errors.push_back({{"requirement", text(e, "requirement")}, {"code", text(e, "code")}});
  kept["errors"] = errors;
  kept["disabled_reason"] = text(r, "disabled_reason");
  kept["current_deadline"] = r.value("current_deadline", Json()).is_number_integer() ? r["current_deadline"] : Json();
  return kept;
}

bool flag(const Json& account, const char* name) {
  auto it = account.find(name);
  return it != account.end() && it->is_boolean() && it->get<bool>();
}

ClinicStripe refusal(int status, const char* code, const char* message) {
  ClinicStripe out;
  out.status = status;
  out.code = code;
  out.message = message;
  return out;
}

}  // namespace

const char* to_string(AccountState state) {
  switch (state) {
    case AccountState::not_activated:
      return "not_activated";
    case AccountState::incomplete:
      return "incomplete";
    case AccountState::in_review:
      return "in_review";
    case AccountState::active:
      return "active";
    case AccountState::restricted:
      return "restricted";
    case AccountState::deauthorized:
      return "deauthorized";
  }
  return "not_activated";
}

AccountState state_of(const std::optional<ConnectedAccount>& account) {
  if (!account) return AccountState::not_activated;
  if (account->deauthorized) return AccountState::deauthorized;
  // Active even with something due later: Stripe says by when (current_deadline), the app too.
  if (account->charges_enabled) return AccountState::active;
  if (!account->details_submitted) return AccountState::incomplete;
  const Json& r = account->requirements;
  if (non_empty_list(r, "pending_verification") || r.value("disabled_reason", "") == "requirements.pending_verification")
    return AccountState::in_review;
  return AccountState::restricted;
}

bool valid_account_id(const std::string& id) {
  if (id.size() < 6 || id.size() > 64 || id.compare(0, 5, "acct_") != 0) return false;
  for (std::size_t i = 5; i < id.size(); ++i)
    if (!std::isalnum(static_cast<unsigned char>(id[i]))) return false;
  return true;
}

std::optional<ConnectedAccount> find_account_of_clinic(Sql& db, const std::string& clinic_id) {
  SqlStatement s = db.prepare(std::string(kColumns) + "WHERE clinic_id = ?");
  s.bind(1, clinic_id);
  if (!s.step()) return std::nullopt;
  return read_row(s);
}

std::optional<ConnectedAccount> find_account(Sql& db, const std::string& account_id) {
  SqlStatement s = db.prepare(std::string(kColumns) + "WHERE account_id = ?");
  s.bind(1, account_id);
  if (!s.step()) return std::nullopt;
  return read_row(s);
}

ConnectedAccount keep_account(Sql& db, const std::string& clinic_id, const std::string& account_id,
                              const std::string& country, std::int64_t now) {
  SqlStatement s = db.prepare(
      "INSERT INTO stripe_accounts(clinic_id, account_id, country, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT(clinic_id) DO NOTHING");
  const std::string at = core::format_utc_instant(now);
  s.bind(1, clinic_id).bind(2, account_id).bind(3, country).bind(4, at).bind(5, at);
  s.step();
  return *find_account_of_clinic(db, clinic_id);
}

bool update_account(Sql& db, const Json& account, std::int64_t now) {
  const std::string id = text(account, "id");
  if (!find_account(db, id)) return false;
  SqlStatement s = db.prepare(
      "UPDATE stripe_accounts SET charges_enabled = ?, payouts_enabled = ?, details_submitted = ?, requirements = ?, "
      "country = COALESCE(NULLIF(?, ''), country), updated_at = ? WHERE account_id = ?");
  s.bind(1, std::int64_t{flag(account, "charges_enabled")})
      .bind(2, std::int64_t{flag(account, "payouts_enabled")})
      .bind(3, std::int64_t{flag(account, "details_submitted")})
      .bind(4, kept_requirements(account).dump())
      .bind(5, text(account, "country"))
      .bind(6, core::format_utc_instant(now))
      .bind(7, id);
  s.step();
  return true;
}

bool deauthorize_account(Sql& db, const std::string& account_id, std::int64_t now) {
  if (!find_account(db, account_id)) return false;
  SqlStatement s =
      db.prepare("UPDATE stripe_accounts SET deauthorized = 1, charges_enabled = 0, updated_at = ? WHERE account_id = ?");
  s.bind(1, core::format_utc_instant(now)).bind(2, account_id);
  s.step();
  return true;
}

Json account_view(const std::optional<ConnectedAccount>& account) {
  Json view = {{"state", to_string(state_of(account))}};
  if (!account) return view;
  view["account_id"] = account->account_id;
  view["country"] = account->country;
  view["charges_enabled"] = account->charges_enabled;
  view["payouts_enabled"] = account->payouts_enabled;
  view["details_submitted"] = account->details_submitted;
  // One list, each requirement once: what is due now or overdue, then what Stripe is checking;
  // a refused document says why.
  const Json& r = account->requirements;
  Json items = Json::array();
  std::vector<std::string> seen;
  for (const char* list : {"past_due", "currently_due", "pending_verification"}) {
    for (const Json& code : r.value(list, Json::array())) {
      const std::string c = code.get<std::string>();
      if (std::find(seen.begin(), seen.end(), c) != seen.end()) continue;
      seen.push_back(c);
      Json item = {{"code", c}, {"pending", std::string(list) == "pending_verification"}};
      for (const Json& e : r.value("errors", Json::array()))
        if (text(e, "requirement") == c) item["error"] = text(e, "code");
      items.push_back(item);
    }
  }
  view["requirements"] = items;
  if (r.value("current_deadline", Json()).is_number_integer())
    view["current_deadline"] = core::format_utc_instant(r["current_deadline"].get<std::int64_t>());
  return view;
}

std::string stripe_mode_refusal(StripeMode mode, std::int64_t clinics) {
  if (mode != StripeMode::single || clinics <= 1) return "";
  return "STRIPE_SECRET_KEY is one clinic's own Stripe account (STRIPE_MODE=single), and this server has " +
         std::to_string(clinics) +
         " clinics: each would be paid into that one account. Host several clinics with STRIPE_MODE=platform "
         "(Stripe Connect: each clinic its own account; docs/stripe.md)";
}

std::int64_t clinic_count(Sql& db) {
  SqlStatement s = db.prepare("SELECT count(*) FROM clinics");
  s.step();
  return s.column_int64(0);
}

StripeAccess::StripeAccess(StripeMode mode, std::shared_ptr<const StripeClient> platform, SharedDatabase& db)
    : mode_(!platform ? StripeMode::none : mode == StripeMode::none ? StripeMode::single : mode),
      platform_(std::move(platform)),
      db_(db) {}

ClinicStripe StripeAccess::resolve(const std::string& clinic_id, bool to_charge) const {
  if (!platform_) return refusal(503, "stripe_not_configured", "card payments are not configured on this server");
  if (mode_ != StripeMode::platform) {
    // The keys are one clinic's: the first the server had. One added since, while it runs (the
    // server refuses to start so), is never paid into that clinic's account.
    if (clinic_id != single_mode_clinic())
      return refusal(409, "payments_not_active", "this server's Stripe account is another clinic's");
    ClinicStripe out;
    out.client = *platform_;
    return out;
  }
  std::optional<ConnectedAccount> account =
      db_.with([&](Sql& d) { return find_account_of_clinic(d, clinic_id); });
  if (!account || !valid_account_id(account->account_id))
    return refusal(409, "payments_not_active", "online payments are not activated for this clinic");
  if (account->deauthorized)
    return refusal(409, "stripe_deauthorized", "the clinic disconnected its Stripe account from Quittance");
  if (to_charge && state_of(account) != AccountState::active)
    return refusal(409, "payments_not_active", "online payments are not active yet for this clinic");
  ClinicStripe out;
  out.client = platform_->on_account(account->account_id);
  return out;
}

ClinicStripe StripeAccess::for_account(const std::string& clinic_id) const { return resolve(clinic_id, false); }

ClinicStripe StripeAccess::for_payments(const std::string& clinic_id) const { return resolve(clinic_id, true); }

std::string StripeAccess::single_mode_clinic() const {
  return db_.with([](Sql& d) {
    SqlStatement s = d.prepare("SELECT id FROM clinics ORDER BY created_at, rowid LIMIT 1");
    return s.step() ? s.column_text(0) : std::string();
  });
}

bool StripeAccess::payments_active(const std::string& clinic_id) const {
  return for_payments(clinic_id).client.has_value();
}

}  // namespace quittance::server
