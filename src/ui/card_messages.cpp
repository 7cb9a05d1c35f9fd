// Card and backend messages. See card_messages.h.
#include "ui/card_messages.h"

#include <cstdio>

#include "ui/i18n.h"

namespace quittance::ui {

namespace {

// The key if the catalogue has it, else the fallback.
std::string known_or(const std::string& key, const char* fallback) { return tr(key) == key ? fallback : key; }

}  // namespace

const char* connection_key(const sync::ServerLink& server) {
  if (server.simulated()) return "backend.demo";
  switch (server.connection()) {
    case sync::Connection::Unpaired:
      return "backend.unpaired";
    case sync::Connection::Connecting:
      return "backend.connecting";
    case sync::Connection::Online:
      return "backend.online";
    case sync::Connection::Offline:
      return "backend.offline";
    case sync::Connection::Revoked:
      return "backend.revoked";
  }
  return "backend.unpaired";
}

std::string card_label(const app::Json& card, bool simulated) {
  std::string brand = card.value("brand", std::string());
  const std::string shown = known_or("card.brand." + brand, "");
  brand = shown.empty() ? (brand.empty() ? std::string(tr("card.brand.card")) : brand) : tr(shown);
  char expiry[16] = {0};
  std::snprintf(expiry, sizeof expiry, "%02d/%04d", static_cast<int>(card.value("exp_month", 0)),
                static_cast<int>(card.value("exp_year", 0)));
  std::string text = brand + " •••• " + card.value("last4", std::string()) + " (" + expiry + ")";
  if (simulated) text += std::string(" ") + tr("card.simulated");
  return text;
}

std::string decline_key(const std::string& decline_code) {
  return known_or("card.decline." + decline_code, "card.decline.generic");
}

bool outcome_unknown(const sync::CallResult& r) { return !r.answered() || r.code == "stripe_unreachable"; }

std::string card_failure_key(const sync::CallResult& r) {
  if (r.ok()) return "";
  if (!r.answered()) return "card.error.network";
  if (r.code == "card_declined" || r.code == "authentication_required") {
    const app::Json& error = r.body["error"];
    return decline_key(error.is_object() ? error.value("decline_code", r.code) : r.code);
  }
  return known_or("card.error." + r.code, "card.error.other");
}

}  // namespace quittance::ui
