// Paramètres → « Serveur ». See backend_settings.h.
#include "ui/backend_settings.h"

#include <imgui.h>

#include "ui/card_messages.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/sign_in.h"
#include "ui/sync_status.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

void draw_pairing_form(sync::Backend& backend, BackendSettingsState& state) {
  heading(tr("backend.pair.heading"));
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  label(tr("backend.pair.help"));
  ImGui::PopTextWrapPos();
  if (state.device_name.empty()) state.device_name = tr("backend.pair.default_name");
  text_field(tr("backend.pair.code"), "##pair-code", &state.code, 220);
  text_field(tr("backend.pair.name"), "##pair-name", &state.device_name, 320);
  text_field(tr("backend.pair.server"), "##pair-server", &state.server_url, 420);
  if (state.pairing) ImGui::BeginDisabled();
  const bool pressed = ImGui::Button(tr_id("backend.pair.submit", "pair-submit").c_str());
  if (state.pairing) ImGui::EndDisabled();
  if (pressed) {
    state.pairing = true;
    state.message_key.clear();
    std::string url = state.server_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    BackendSettingsState* s = &state;
    backend.pairing().pair(url, state.code, state.device_name, [s](const sync::CallResult& r) {
      s->pairing = false;
      s->failed = !r.ok();
      if (r.ok()) {
        s->message_key = "backend.pair.done";
        s->code.clear();
      } else if (!r.answered()) {
        s->message_key = "backend.pair.unreachable";
      } else {
        const std::string key = "backend.pair." + r.code;
        s->message_key = tr(key) == key ? "backend.pair.refused" : key;
      }
    });
  }
}

// The clinic's operation log: where this device stands, and « Synchroniser maintenant ».
void draw_sync(sync::Backend& backend) {
  heading(tr("sync.heading"));
  label((std::string(tr("sync.state")) + " " + sync_status_text(backend.log(), backend.server())).c_str());
  if (!backend.server().link().series.empty()) {
    label((std::string(tr("sync.series")) + " " + backend.server().link().series).c_str());
  }
  const sync::SyncOutcome& last = backend.log().last();
  if (last.reached && (last.pulled > 0 || last.pushed > 0)) {
    label((std::string(tr("sync.last")) + " " + std::to_string(last.pushed) + " " + tr("sync.sent") + ", " +
           std::to_string(last.pulled) + " " + tr("sync.received"))
              .c_str());
  }
  if (backend.log().state() == sync::SyncState::UpdateRequired) error_text("sync.update_required.help");
  const bool running = backend.log().state() == sync::SyncState::Syncing;
  if (running) ImGui::BeginDisabled();
  if (ImGui::Button(tr_id("sync.now", "sync-now").c_str())) backend.log().sync_now();
  if (running) ImGui::EndDisabled();
}

// The clinic's devices, and « Révoquer » for a lost or stolen one.
void draw_devices(sync::Backend& backend, BackendSettingsState& state) {
  heading(tr("backend.devices.heading"));
  if (state.devices.is_null() && !state.listing) {
    state.listing = true;
    BackendSettingsState* s = &state;
    backend.pairing().list_devices([s](const sync::CallResult& r) {
      s->listing = false;
      s->devices = r.ok() ? r.body["devices"] : nlohmann::json::array();
    });
  }
  if (!state.devices.is_array()) return;
  for (const auto& d : state.devices) {
    const std::string id = d.value("device_id", std::string());
    std::string line = d.value("name", std::string()) + "   " + tr("backend.devices.since") + " " +
                       date(d.value("created_at", std::string()).substr(0, 10));
    if (d.value("this_device", false)) line += "   " + std::string(tr("backend.devices.this"));
    if (d.value("revoked", false)) line += "   " + std::string(tr("backend.devices.revoked"));
    label(line.c_str());
    std::string role = d.value("role", std::string("owner"));
    if (d.value("this_device", false) || d.value("revoked", false)) {
      ImGui::SameLine();
      label(tr(role_key(role)));
      continue;
    }
    // What the device may do at most, whoever signs in on it: changed here, by an owner.
    ImGui::SameLine();
    if (role_combo(("##device-role-" + id).c_str(), std::string(tr("backend.devices.role")) + " — " + d.value("name", ""),
                   &role)) {
      BackendSettingsState* s = &state;
      backend.pairing().set_device_role(id, role, [s](const sync::CallResult& r) {
        s->failed = !r.ok();
        s->message_key = r.ok() ? "backend.devices.role_done"
                                : (r.code == "forbidden" ? "card.error.forbidden" : "backend.devices.role_failed");
        s->devices = nullptr;  // listed again
      });
    }
    ImGui::SameLine();
    if (state.confirm_revoke != id) {
      if (ImGui::SmallButton(tr_id("backend.devices.revoke", std::string("revoke-") + id).c_str())) {
        state.confirm_revoke = id;
      }
      continue;
    }
    if (ImGui::SmallButton(tr_id("backend.devices.revoke_confirm", std::string("revoke-confirm-") + id).c_str())) {
      BackendSettingsState* s = &state;
      backend.pairing().revoke_device(id, [s](const sync::CallResult& r) {
        s->failed = !r.ok();
        s->message_key = r.ok() ? "backend.devices.revoke_done"
                                : (r.code == "forbidden" ? "card.error.forbidden" : "backend.devices.revoke_failed");
        s->devices = nullptr;  // listed again
        s->confirm_revoke.clear();
      });
    }
  }
}

}  // namespace

void draw_backend_settings(sync::Backend* backend, BackendSettingsState& state) {
  heading(tr("backend.heading"));
  if (!backend) {
    label(tr("backend.none"));
    return;
  }
  label((std::string(tr("backend.state")) + " " + tr(connection_key(backend->server()))).c_str());
  if (backend->server().simulated()) {  // the demo: nothing to pair, nothing to revoke
    label(tr("backend.cards_on"));
    return;
  }
  const sync::DeviceLink& link = backend->server().link();
  if (link.paired()) {
    label((std::string(tr("backend.device")) + " " + link.device_name).c_str());
    const sync::ServerLink& server = backend->server();
    label(tr(server.card_payments()                          ? "backend.cards_on"
             : server.online_payments_state() == "unavailable" ? "backend.cards_unconfigured"
                                                               : "backend.cards_off"));
    if (backend->log().has_parked() || !backend->cards().demo_blocked().empty()) error_text("backend.blocked");
  }
  if (state.failed) {
    error_text(state.message_key);
  } else if (!state.message_key.empty()) {
    outcome_text(state.message_key);
  }
  ImGui::Spacing();
  if (!link.paired() || backend->server().connection() == sync::Connection::Revoked) {
    draw_pairing_form(*backend, state);
    return;
  }
  draw_sync(*backend);
  ImGui::Spacing();
  draw_devices(*backend, state);
  ImGui::Spacing();
  heading(tr("backend.code.heading"));
  // The new device's ceiling, chosen before its code is made: a reception tablet is
  // « Facturation », never « Titulaire » unless said so.
  label(tr("backend.code.role"));
  ImGui::SameLine();
  role_combo("##new-device-role", tr("backend.code.role"), &state.new_device_role);
  if (ImGui::Button(tr_id("backend.code.ask", "pairing-code").c_str())) {
    BackendSettingsState* s = &state;
    backend->pairing().request_pairing_code(state.new_device_role, [s](const sync::CallResult& r) {
      s->failed = !r.ok();
      s->message_key = r.ok() ? "" : (r.answered() ? "backend.code.refused" : "backend.pair.unreachable");
      s->new_code = r.ok() ? r.body.value("code", "") : "";
      s->new_code_expires = r.ok() ? r.body.value("expires_at", "") : "";
    });
  }
  if (!state.new_code.empty()) {
    // Shown in two halves, as people read a code out to each other.
    figure((state.new_code.substr(0, 4) + "-" + state.new_code.substr(4)).c_str());
    label(tr("backend.code.help"));
  }
  ImGui::Spacing();
  if (!state.confirm_forget) {
    if (ImGui::Button(tr_id("backend.forget", "forget").c_str())) state.confirm_forget = true;
    return;
  }
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  label(tr("backend.forget.warning"));
  ImGui::PopTextWrapPos();
  if (ImGui::Button(tr_id("backend.forget.confirm", "forget-confirm").c_str())) {
    backend->forget();
    state = BackendSettingsState{};
  }
  beside(button_width(tr_id("pay.cancel", "forget-cancel").c_str()));
  if (ImGui::Button(tr_id("pay.cancel", "forget-cancel").c_str())) state.confirm_forget = false;
}

}  // namespace quittance::ui
