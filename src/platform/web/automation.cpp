// The C side of window.quittance (web/boot.js): commands, queries, the visible widgets and the
// app's state, as JSON strings. Each returned pointer stays valid until the next call.
#include <emscripten/emscripten.h>

#include <string>

#include "core/version.h"
#include "platform/web/platform_input.h"
#include "platform/web/web_app.h"
#include "ui/exports_settings.h"
#include "ui/i18n.h"
#include "ui/widget_log.h"

namespace quittance::web {
namespace {

std::string g_answer;  // backing store of the last returned string

const char* answer(std::string text) {
  g_answer = std::move(text);
  return g_answer.c_str();
}

const char* not_ready() {
  const bool failed = web_app().status.phase == ui::AppStatus::Phase::Failed;
  return answer(app::error(failed ? "storage_failed" : "not_ready",
                           failed ? "the clinic database could not be opened: see state()"
                                  : "storage is still loading: await quittance.ready")
                    .dump());
}

const char* save_state_name(platform::SaveState s) {
  switch (s) {
    case platform::SaveState::Saved: return "saved";
    case platform::SaveState::Saving: return "saving";
    case platform::SaveState::Failed: return "failed";
  }
  return "unknown";
}

const char* phase_name(ui::AppStatus::Phase p) {
  switch (p) {
    case ui::AppStatus::Phase::Loading: return "loading";
    case ui::AppStatus::Phase::Ready: return "ready";
    case ui::AppStatus::Phase::Failed: return "failed";
  }
  return "unknown";
}

}  // namespace
}  // namespace quittance::web

using quittance::web::web_app;

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* quittance_exec(const char* json) {
  auto& app = web_app();
  if (!app.clinic.commands()) return quittance::web::not_ready();
  std::string result = app.clinic.commands()->exec_text(json);
  quittance::web::request_redraw();
  return quittance::web::answer(std::move(result));
}

EMSCRIPTEN_KEEPALIVE const char* quittance_query(const char* json) {
  auto& app = web_app();
  if (!app.clinic.commands()) return quittance::web::not_ready();
  return quittance::web::answer(app.clinic.commands()->query_text(json));
}

// Holds (1) or lets go (0) the backup check of « Restaurer une sauvegarde », for the browser tests.
EMSCRIPTEN_KEEPALIVE void quittance_hold_backup_check(int held) { quittance::ui::hold_backup_checks(held != 0); }

// The widgets' boxes in CSS pixels (ImGui's units times the text size's zoom), where a test's pointer lands.
EMSCRIPTEN_KEEPALIVE const char* quittance_ui() {
  return quittance::web::answer(quittance::ui::widget_log_json(quittance::web::input_zoom()));
}

EMSCRIPTEN_KEEPALIVE const char* quittance_state() {
  auto& app = web_app();
  const auto& st = app.status;
  quittance::app::Json state = {
      {"phase", quittance::web::phase_name(st.phase)},
      {"failure", st.failure_key},
      {"failureDetail", st.failure_detail},
      {"saved", quittance::web::save_state_name(app.storage.save_state())},
      {"saveError", app.storage.last_error()},
      {"online", st.online},
      {"language", quittance::ui::language()},
      {"section", quittance::ui::section_id(app.ui.section)},
      {"frames", app.frames},
      {"framesShown", app.frames_shown},
      {"version", quittance::kVersion},
      {"updateReady", st.update_ready},
      {"storagePersisted", st.storage_persisted},
      // The WebAssembly memory's size, for the browser bench (it only grows: the peak so far).
      {"memoryBytes", static_cast<std::int64_t>(__builtin_wasm_memory_size(0)) * 65536},
  };
  if (app.clinic.backend()) {
    auto& b = *app.clinic.backend();
    const quittance::sync::ServerLink& server = b.server();
    quittance::sync::LogSync& log = b.log();
    state["backend"] = {{"connection", quittance::sync::to_string(server.connection())},
                        {"cardPayments", server.card_payments()},
                        {"eventsAfter", server.link().events_after},
                        {"blocked", log.has_parked() ? "parked" : b.cards().demo_blocked()},
                        {"series", server.link().series}};
    state["sync"] = {{"state", quittance::sync::to_string(log.state())},
                     {"pending", log.pending()},
                     {"error", log.error()},
                     {"pulled", log.last().pulled},
                     {"pushed", log.last().pushed},
                     {"rebased", log.last().rebased},
                     {"restoredFromSnapshot", app.clinic.restored_from_snapshot()}};
  }
  return quittance::web::answer(state.dump(-1, ' ', false, quittance::app::Json::error_handler_t::replace));
}

EMSCRIPTEN_KEEPALIVE void quittance_request_redraw() { quittance::web::request_redraw(); }

// What boot.js learnt outside the app: a new version installed (service worker), and whether
// the browser keeps the data for good (-1: not known yet).
EMSCRIPTEN_KEEPALIVE void quittance_page_status(int update_ready, int storage_persisted) {
  auto& status = web_app().status;
  status.update_ready = update_ready != 0;
  status.storage_persisted = storage_persisted;
  quittance::web::request_redraw();
}

// Starts a sync exchange now (as « Synchroniser maintenant » does); state().sync tells its end.
EMSCRIPTEN_KEEPALIVE void quittance_sync_now() {
  if (auto* backend = web_app().clinic.backend()) backend->log().sync_now();
}

}  // extern "C"
