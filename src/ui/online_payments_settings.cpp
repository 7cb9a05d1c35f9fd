// Paramètres → « Paiements en ligne ». See online_payments_settings.h.
#include "ui/online_payments_settings.h"

#include <imgui.h>

#include <algorithm>
#include <vector>

#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/platform_hooks.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

// The countries where Stripe takes payments for a business (Connect's list), France first:
// a practice elsewhere picks its own.
constexpr const char* kCountries[] = {"FR", "BE", "CH", "LU", "CA", "DE", "AT", "AU", "BG", "CY", "HR", "DK",
                                      "ES", "EE", "US", "FI", "GI", "GR", "HK", "HU", "IE", "IN", "IT", "JP",
                                      "LV", "LI", "LT", "MY", "MT", "MX", "NO", "NZ", "NL", "PL", "PT", "CZ",
                                      "RO", "GB", "SG", "SK", "SI", "SE", "TH", "AE", "BR"};
constexpr int kCountryCount = static_cast<int>(sizeof kCountries / sizeof kCountries[0]);

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

void wrapped(const std::string& text) {
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  label(text.c_str());
  ImGui::PopTextWrapPos();
}

bool signed_in_owner(app::CommandLayer& commands) {
  return result_of(commands.query({{"cmd", "app.info"}})).value("role", std::string()) == "owner";
}

// The account's answer came: said in words, or the failure's reason.
sync::Done report_to(OnlinePaymentsState& state, const char* done_key = "") {
  OnlinePaymentsState* s = &state;  // the state lives as long as the page
  return [s, done_key](const sync::CallResult& r) {
    s->failed = !r.ok();
    if (r.ok()) {
      s->message_key = done_key;
    } else if (!r.answered()) {
      s->message_key = "online.error.network";
    } else {
      const std::string key = "online.error." + r.code;
      s->message_key = tr(key) == key ? "online.error.other" : key;
    }
  };
}

void draw_requirements(const sync::StripeAccountView& view) {
  if (view.requirements.empty()) return;
  heading(tr("online.requirements"));
  std::vector<std::string> shown;
  for (const sync::AccountRequirement& r : view.requirements) {
    const std::string key = requirement_key(r.code);
    std::string line = std::string("• ") + tr(key);
    if (key == "online.req.other") line += " (" + r.code + ")";
    if (!r.error.empty())
      line += std::string(" : ") +
              tr(starts_with(r.error, "verification_document") ? "online.req_error.document" : "online.req_error.other");
    else if (r.pending)
      line += std::string(" ") + tr("online.req.pending");
    if (std::find(shown.begin(), shown.end(), line) != shown.end()) continue;
    shown.push_back(line);
    wrapped(line);
  }
  if (!view.current_deadline.empty())
    label(fill(tr("online.deadline"), {{"date", date(local_day(view.current_deadline))}}).c_str());
}

void country_combo(OnlinePaymentsState& state) {
  ImGui::SetNextItemWidth(fit(260));
  const std::string current = tr(std::string("country.") + kCountries[state.country]);
  const bool open = ImGui::BeginCombo("##online-country", current.c_str());
  name_last_widget(tr("online.country"), current.c_str());
  if (!open) return;
  for (int i = 0; i < kCountryCount; ++i) {
    const std::string code = kCountries[i];
    if (ImGui::Selectable(tr_id("country." + code, "country-" + code).c_str(), state.country == i)) state.country = i;
  }
  ImGui::EndCombo();
}

bool button(const char* key, const char* id, bool enabled) {
  if (!enabled) ImGui::BeginDisabled();
  const bool pressed = ImGui::Button(tr_id(key, id).c_str());
  if (!enabled) ImGui::EndDisabled();
  return pressed;
}

void start_onboarding(sync::StripeAccount& account, const std::string& country, OnlinePaymentsState& state) {
  state.message_key = "online.opening";
  state.failed = false;
  sync::Done report = report_to(state);
  account.start_onboarding(country, [report](const sync::CallResult& r) {
    report(r);
    const std::string url = r.ok() ? r.body.value("url", std::string()) : std::string();
    if (!url.empty() && platform().open_url) platform().open_url(url, /*new_tab=*/false);
  });
}

void draw_platform_account(app::CommandLayer& commands, sync::StripeAccount& account, OnlinePaymentsState& state) {
  const sync::StripeAccountView& view = account.view();
  heading(fill(tr("online.state"), {{"state", tr("online.state." + view.state)}}).c_str());
  wrapped(tr("online.state." + view.state + ".help"));
  if (state.arrival == "refresh") wrapped(tr("online.link_expired"));
  draw_requirements(view);
  ImGui::Spacing();

  const bool owner = signed_in_owner(commands);
  const bool idle = !account.busy();
  const bool to_activate = view.state == "not_activated" || view.state == "deauthorized";
  if (to_activate) {
    country_combo(state);
    if (button("online.activate", "online-activate", owner && idle))
      start_onboarding(account, kCountries[state.country], state);
  } else if (view.state != "active") {
    if (button("online.resume", "online-resume", owner && idle))
      start_onboarding(account, view.country.empty() ? "FR" : view.country, state);
  }
  if (!to_activate && !view.dashboard_url.empty()) {
    if (!to_activate && view.state != "active") ImGui::SameLine();
    if (button("online.dashboard", "online-dashboard", platform().open_url != nullptr))
      platform().open_url(view.dashboard_url, /*new_tab=*/true);
  }
  if (button("online.check", "online-check", idle)) {
    state.arrival.clear();
    if (owner)
      account.refresh(report_to(state, "online.checked"));
    else
      account.load(report_to(state, "online.checked"));
  }
  if (!owner) muted(tr("online.owner_only"));
}

}  // namespace

std::string requirement_key(const std::string& code) {
  if (code == "external_account") return "online.req.external_account";
  if (code.find("verification.additional_document") != std::string::npos) return "online.req.address_document";
  if (code.find("verification.document") != std::string::npos) return "online.req.identity_document";
  if (starts_with(code, "tos_acceptance")) return "online.req.tos";
  if (starts_with(code, "business_profile")) return "online.req.business_profile";
  if (code == "business_type") return "online.req.business_type";
  if (starts_with(code, "company")) return "online.req.company";
  for (const char* person : {"individual", "representative", "person_", "owners", "directors", "executives"})
    if (starts_with(code, person)) return "online.req.person";
  return "online.req.other";
}

void draw_online_payments_settings(app::CommandLayer& commands, sync::Backend* backend, OnlinePaymentsState& state) {
  heading(tr("online.heading"));
  wrapped(tr("online.intro"));
  if (!backend || !backend->server().link().paired()) {
    wrapped(tr("online.unpaired"));
    return;
  }
  if (backend->server().simulated()) {
    wrapped(tr("online.demo"));
    return;
  }
  sync::StripeAccount& account = backend->stripe_account();
  // Asked when the tab opens, and again once a device that was offline reaches its server.
  if (!state.requested && backend->server().connection() != sync::Connection::Offline) {
    state.requested = true;
    sync::Done report = report_to(state);
    OnlinePaymentsState* s = &state;
    auto again_when_online = [s, report](const sync::CallResult& r) {
      report(r);
      if (!r.answered()) s->requested = false;
    };
    // Back from Stripe's form: what Stripe says now (the owner's device asks Stripe itself).
    if (state.arrival == "return" && signed_in_owner(commands)) {
      sync::Done back = report_to(state, "online.back_from_stripe");
      account.refresh([s, back](const sync::CallResult& r) {
        back(r);
        if (!r.answered()) s->requested = false;  // asked again once the server is reached
      });
    } else {
      account.load(again_when_online);
    }
  }
  const sync::StripeAccountView& view = account.view();
  if (!view.loaded) {
    label(tr(account.busy() ? "online.loading" : "online.load_failed"));
    if (!account.busy() && ImGui::Button(tr_id("online.check", "online-retry").c_str()))
      account.load(report_to(state));
  } else if (view.mode == "platform") {
    draw_platform_account(commands, account, state);
  } else if (view.mode == "single") {
    wrapped(tr("online.single"));
    if (!view.dashboard_url.empty() && button("online.dashboard", "online-dashboard", platform().open_url != nullptr))
      platform().open_url(view.dashboard_url, /*new_tab=*/true);
  } else {
    wrapped(tr("online.none"));
  }
  if (!state.message_key.empty()) {
    if (state.failed)
      error_text(state.message_key);
    else
      wrapped(tr(state.message_key));
  }
}

}  // namespace quittance::ui
