// The browser app: start-up, storage load, and the on-demand frame loop.
// Frames are drawn only when something happened (an event, a storage callback, an automation
// call): an idle tab uses no CPU. A text field being edited redraws twice a second for its
// blinking cursor.
#include <emscripten/emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <utility>

#include "app/backup_check.h"
#include "app/command_id.h"
#include "core/money.h"
#include "platform/web/platform_input.h"
#include "platform/web/web_app.h"
#include "platform/web/web_files.h"
#include "platform/web/webgl2_renderer.h"
#include "store/backup.h"
#include "store/migrations.h"
#include "store/settings.h"
#include "sync/device_link.h"
#include "sync/replica.h"
#include "ui/display_settings.h"
#include "ui/form.h"
#include "ui/format.h"
#include "zone/zones.h"
#include "ui/i18n.h"
#include "ui/keyboard_focus.h"
#include "ui/platform_hooks.h"
#include "ui/theme.h"
#include "ui/widget_log.h"
#include "platform/web/a11y_bridge.h"

extern "C" {
// library_quittance.js: the code of a "#pair=CODE" address, malloc'd, or null.
char* qt_take_pairing_code();
// library_quittance.js: 1 when the page was opened as the demo (?demo), with no backend.
int qt_demo_mode();
// library_quittance.js: location.origin, malloc'd.
char* qt_page_origin();
// library_quittance.js: opens a URL in this tab or a new one.
void qt_open_url(const char* url, int new_tab);
// library_quittance.js: "return" or "refresh" for a "#stripe=..." address (back from Stripe's
// onboarding form), malloc'd, or null.
char* qt_take_stripe_arrival();
// library_quittance.js: localStorage, for ui::Platform::remember/recall (malloc'd).
void qt_local_set(const char* key, const char* value);
char* qt_local_get(const char* key);
// library_quittance.js: navigator.storage.persist(); answers quittance_persistence_answered.
void qt_ask_persistence();
}

namespace quittance::web {

namespace {

constexpr const char* kCanvas = "#canvas";
constexpr const char* kFontPath = "/assets/fonts/DejaVuSans.ttf";
constexpr int kSettleFrames = 3;      // frames drawn after the last event
constexpr int kCursorBlinkMs = 500;   // redraw period while a text field is active
constexpr double kBackendTickMs = 1000;  // how often the server link looks whether a refresh is due (cheap)
// This device's link to the server, beside the clinic database but not in it (device_link.h).
constexpr const char* kDeviceLinkPath = "/data/device.json";

struct FrameLoop {
  bool frame_scheduled = false;
  bool blink_scheduled = false;
  int frames_left = 0;
};
FrameLoop g_loop;

void draw_frame(double now_ms);
void run_pending_restore();

EM_BOOL on_animation_frame(double now_ms, void*) {
  g_loop.frame_scheduled = false;
  draw_frame(now_ms);
  if (--g_loop.frames_left > 0) {
    g_loop.frame_scheduled = true;
    emscripten_request_animation_frame(on_animation_frame, nullptr);
  }
  return EM_FALSE;
}

void draw_frame_now() {
  draw_frame(emscripten_performance_now());
  request_redraw();
}

void schedule_blink() {
  if (g_loop.blink_scheduled) return;
  g_loop.blink_scheduled = true;
  emscripten_async_call([](void*) {
    g_loop.blink_scheduled = false;
    request_redraw();
  }, nullptr, kCursorBlinkMs);
}

bool is_online() { return EM_ASM_INT({ return navigator.onLine ? 1 : 0; }) != 0; }

void draw_frame(double now_ms) {
  WebApp& app = web_app();
  input_set_zoom(ui::text_scale());
  if (input_new_frame(now_ms)) {
    ui::load_fonts(kFontPath, input_pixel_ratio());
    renderer_reload_fonts();
  }
  app.status.online = is_online();
  app.status.save = app.storage.save_state();
  app.status.save_error = app.storage.last_error();

  ImGui::NewFrame();
  ui::widget_log_begin_frame();
  ui::draw_app(app.clinic.commands(), app.clinic.backend(), app.data_version, app.status, app.ui);
  ui::widget_log_end_frame();
  const bool focus_moved = ui::focus_end_frame();  // a Tab into a window scrolled to its start
  ImGui::Render();
  if (renderer_render(ImGui::GetDrawData())) ++app.frames_shown;
  input_end_frame();
  a11y_end_frame();
  ++app.frames;
  if (focus_moved) request_redraw();
  run_pending_restore();

  if (ImGui::GetIO().WantTextInput && ImGui::GetIO().ConfigInputTextCursorBlink) schedule_blink();
  if (!app.first_frame_reported && app.status.phase != ui::AppStatus::Phase::Loading) {
    app.first_frame_reported = true;
    EM_ASM({ if (window.quittanceBoot) window.quittanceBoot.firstFrame(); });
  }
}

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void load_catalogs() {
  for (const char* language : {"fr", "en"}) {
    std::string path = std::string("/assets/i18n/") + language + ".json";
    ui::Catalog catalog;
    std::string error;
    if (!catalog.load(read_file(path.c_str()), &error)) {
      std::fprintf(stderr, "quittance: catalogue %s: %s\n", path.c_str(), error.c_str());
    }
    ui::set_catalog(language, std::move(catalog));
  }
  ui::set_language("fr");
}

void save_device_link(const sync::DeviceLink& link) {
  {
    std::ofstream out(kDeviceLinkPath, std::ios::binary | std::ios::trunc);
    out << sync::to_json(link);
  }
  web_app().storage.flush_files();
}

// The books' language, currency and time zone, which the interface speaks, counts and dates in
// (another device may have changed them: all travel with the operations).
void apply_practice_settings() {
  WebApp& app = web_app();
  if (!app.clinic.db()) return;
  if (auto language = store::get_setting(*app.clinic.db(), "ui.language")) ui::set_language(*language);
  const auto code = store::get_setting(*app.clinic.db(), "practice.currency");
  ui::set_currency(core::currency_from_code(code.value_or("EUR")).value_or(core::euro()));
  ui::set_time_zone(store::get_setting(*app.clinic.db(), "practice.time_zone").value_or(zone::kDefault));
}

// The books changed (a command here, or operations of other devices): screens reload, the
// language or currency may have changed, and the database is stored once for the whole change.
void books_changed() {
  WebApp& app = web_app();
  ++app.data_version;
  apply_practice_settings();
  app.storage.flush();
  request_redraw();
}

// The books were started (at open, after a restore): the interface's sign-in is over, its
// language the books', and the server link gets its timer and the page's pairing link.
void clinic_started() {
  WebApp& app = web_app();
  // A new command layer runs as the owner until someone signs in: after a restore the books
  // have their own users, so whoever works picks themselves again (or, alone, goes on unasked).
  app.ui.session = ui::SessionState{};
  apply_practice_settings();
  app.status.phase = ui::AppStatus::Phase::Ready;
  if (sync::Backend* backend = app.clinic.backend()) {
    backend->on_change(request_redraw);
    // A "#pair=CODE" link (scripts/run prints one) pairs this browser with the page's server.
    if (char* code = qt_demo_mode() ? nullptr : qt_take_pairing_code()) {
      app.ui.settings.backend.pairing = true;
      ui::BackendSettingsState* s = &app.ui.settings.backend;
      backend->pairing().pair("", code, ui::tr("backend.pair.default_name"), [s](const sync::CallResult& r) {
        s->pairing = false;
        s->failed = !r.ok();
        s->message_key = r.ok() ? "backend.pair.done" : "backend.pair.link_refused";
      });
      std::free(code);
    }
    // Back from Stripe's onboarding form (stripe/connect_routes.h): « Paiements en ligne ».
    if (char* arrival = qt_take_stripe_arrival()) {
      app.ui.section = ui::Section::Settings;
      app.ui.settings.tab = ui::kOnlinePaymentsTab;
      app.ui.settings.online.arrival = arrival;
      app.ui.settings.online.requested = false;
      std::free(arrival);
    }
  }
  static bool ticking = false;  // one timer for the page, whichever backend is current
  if (!ticking) {
    ticking = true;
    emscripten_set_interval(
        [](void*) {
          if (sync::Backend* b = web_app().clinic.backend()) b->tick(emscripten_performance_now());
        },
        kBackendTickMs, nullptr);
  }
  request_redraw();
}

void fail(const std::string& key, const std::string& detail) {
  WebApp& app = web_app();
  app.clinic.close();
  app.status.phase = ui::AppStatus::Phase::Failed;
  app.status.failure_key = key;
  app.status.failure_detail = detail;
  std::fprintf(stderr, "quittance: %s: %s\n", key.c_str(), detail.c_str());
  request_redraw();
}

// Storage is in place: open the books, refusing (never replacing) ones we cannot read.
// A point of the start-up on the page's timeline (performance.mark), for the load benchmark
// (tests/bench/load_bench.mjs) and the browser's own profiler.
void mark(const char* name) { EM_ASM({ performance.mark(UTF8ToString($0)); }, name); }

void on_storage_loaded(const std::string& error) {
  mark("quittance-storage-loaded");
  WebApp& app = web_app();
  if (error == platform::kBooksLost) {
    // Offered first on the loss screen when this device was paired: its books from the server.
    const auto link = sync::device_link_from_json(read_file(kDeviceLinkPath));
    app.status.lost_paired = link && link->paired();
    return fail("error.storage_lost", "");
  }
  app.started_over = PageStorage::take_start_over();
  // Started over to restore a backup: the page where it is done.
  if (app.started_over == "backup") {
    app.ui.section = ui::Section::Settings;
    app.ui.settings.tab = ui::kExportsTab;
    app.ui.settings.exports.scroll_to_restore = true;
  }
  if (!error.empty()) return fail("error.storage_unavailable", error);
  app.clinic.on_books_changed(books_changed);
  app.clinic.on_started(clinic_started);
  if (std::optional<session::OpenFailure> failure = app.clinic.open()) fail(failure->key, failure->detail);
}

// [SECTION] Backup and restore ---------------------------------------------------------------
// The interface asks for a restore during a frame; it runs once the frame is drawn, since the
// frame holds the command layer and the server link the restore replaces.

struct RestoreRequest {
  ui::Bytes bytes;
  std::function<void(const std::string&)> done;
  int frames_waited = 0;  // run once a frame saying « Restauration en cours… » was on screen
};
std::optional<RestoreRequest> g_restore;

// A swap that could not even reopen the previous books leaves them closed: said as at start-up.
void check_still_open() {
  WebApp& app = web_app();
  if (app.clinic.is_open()) {
    ++app.data_version;  // every screen reloads
    return;
  }
  const std::optional<session::OpenFailure>& failure = app.clinic.failure();
  fail(failure ? failure->key : "error.database_unreadable", failure ? failure->detail : "");
}

void run_pending_restore() {
  WebApp& app = web_app();
  // A new device's books, downloaded from the server (sync/log_sync.h), swapped in here.
  if (app.clinic.install_snapshot() != session::SnapshotOutcome::None) {
    check_still_open();
    request_redraw();
  }
  if (!g_restore) return;
  // Queued in the frame of the click (this call ends it): the next frame draws « Restauration en
  // cours… » and the browser shows it once that frame's callback has returned; the work, which
  // stops the page for a few seconds, runs at the end of the frame after it.
  if (++g_restore->frames_waited < 3) {
    request_redraw();
    return;
  }
  RestoreRequest request = std::move(*g_restore);
  g_restore.reset();
  const std::string error_key = app.clinic.restore_checked_backup(std::move(request.bytes));
  check_still_open();
  if (request.done) request.done(error_key);
  request_redraw();
}

// The answer to the last ask_persistence, once the browser gives it.
std::function<void(bool)> g_persistence_answered;

void install_platform_hooks() {
  install_file_hooks();
  ui::Platform& hooks = ui::platform();
  hooks.backup = []() -> std::optional<ui::Bytes> {
    WebApp& app = web_app();
    if (!app.clinic.db()) return std::nullopt;
    try {
      return store::serialize_database(*app.clinic.db());
    } catch (const store::StoreError& e) {
      std::fprintf(stderr, "quittance: backup: %s\n", e.what());
      return std::nullopt;
    }
  };
  hooks.start_over = [](const std::string& mode) {
    web_app().storage.start_over(mode, kDeviceLinkPath);
  };
  hooks.remember = [](const std::string& key, const std::string& value) { qt_local_set(key.c_str(), value.c_str()); };
  hooks.recall = [](const std::string& key) {
    char* value = qt_local_get(key.c_str());
    std::string out = value ? value : "";
    std::free(value);
    return out;
  };
  if (!qt_demo_mode()) {
    hooks.ask_persistence = [](std::function<void(bool)> answered) {
      g_persistence_answered = std::move(answered);
      qt_ask_persistence();
    };
  }
  hooks.page_origin = [] {
    char* origin = qt_page_origin();
    std::string out = origin ? origin : "";
    std::free(origin);
    return out;
  };
  hooks.open_url = [](const std::string& url, bool new_tab) { qt_open_url(url.c_str(), new_tab ? 1 : 0); };
  hooks.restore = [](ui::Bytes bytes, std::function<void(const std::string&)> done) {
    g_restore = RestoreRequest{std::move(bytes), std::move(done)};
    request_redraw();
  };
  hooks.redraw = request_redraw;
}

}  // namespace

PageStorage::Options storage_options() {
  // The demo's books never mix with a clinic's on the same address.
  const bool demo = qt_demo_mode() != 0;
  PageStorage::Options options;
  options.database_path = "/pages/quittance.db";
  options.idb_name = demo ? "quittance-demo-pages" : "quittance-pages";
  options.files_dir = "/data";  // the device link; IDBFS gives the demo its own database
  options.legacy_path = "/data/quittance.db";  // where versions before the page store kept it
  return options;
}

session::ClinicFiles clinic_files(PageStorage& storage) {
  session::ClinicFiles files;
  files.database_path = storage.database_path();
  files.store = [&storage] { storage.flush(); };
  files.replaced = [&storage] { storage.replaced(); };
  files.exclusive = true;  // this tab is the books' only user (one writer per browser, the Web Lock)
  return files;
}

session::ServerAccess server_access(FetchTransport& http, sync::DemoServer& demo) {
  session::ServerAccess server;
  if (qt_demo_mode()) {
    server.demo = &demo;
    server.demo_first_seq = [] { return static_cast<std::int64_t>(emscripten_date_now()) * 1000; };
    server.demo_device_name = ui::tr("backend.pair.default_name");
    return server;
  }
  server.http = &http;
  server.read_link = [] {
    return sync::device_link_from_json(read_file(kDeviceLinkPath)).value_or(sync::DeviceLink{});
  };
  server.save_link = save_device_link;
  // fetch() writes the snapshot straight into the file, with no copy through the wasm heap.
  server.download_snapshot = [&http](const sync::DeviceLink& link, const std::string& path,
                                     std::function<void(bool)> done) {
    http.fetch_to_file(link.server_url + "/api/sync/snapshot", {{"Authorization", "Bearer " + link.token}}, path,
                       [done, path](int status) {
                         done(status == 200);
                         request_redraw();
                       });
  };
  server.cancel_requests = [&http] { http.cancel_all("cancelled"); };
  return server;
}

WebApp& web_app() {
  static WebApp app;
  return app;
}

void request_redraw() {
  g_loop.frames_left = kSettleFrames;
  if (g_loop.frame_scheduled) return;
  g_loop.frame_scheduled = true;
  emscripten_request_animation_frame(on_animation_frame, nullptr);
}

}  // namespace quittance::web

int main() {
  using namespace quittance;
  web::mark("quittance-main");
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ui::apply_theme();
  web::load_catalogs();
  web::input_init(web::kCanvas, web::request_redraw, web::draw_frame_now);
  web::a11y_init(web::draw_frame_now);
  web::input_new_frame(emscripten_performance_now());
  if (!ui::load_fonts(web::kFontPath, web::input_pixel_ratio())) {
    std::fprintf(stderr, "quittance: font %s missing, using ImGui's default\n", web::kFontPath);
  }
  web::mark("quittance-fonts");
  const char* error = nullptr;
  if (!web::renderer_init(web::kCanvas, &error)) {
    EM_ASM({ if (window.quittanceBoot) window.quittanceBoot.fatal(UTF8ToString($0)); }, error);
    return 1;
  }
  web::install_platform_hooks();
  // The system's wishes: more contrast (the high-contrast palette, until the user chooses) and
  // less motion (no blinking caret).
  ui::apply_display_preferences(EM_ASM_INT({ return matchMedia('(prefers-contrast: more)').matches ? 1 : 0; }) != 0);
  ImGui::GetIO().ConfigInputTextCursorBlink = EM_ASM_INT({ return matchMedia('(prefers-reduced-motion: reduce)').matches ? 0 : 1; }) != 0;
  web::mark("quittance-renderer");
  web::web_app().storage.on_change(web::request_redraw);
  web::web_app().storage.load(web::on_storage_loaded);
  web::request_redraw();
  return 0;  // the runtime stays alive (EXIT_RUNTIME=0): events and callbacks drive the app
}

extern "C" EMSCRIPTEN_KEEPALIVE void quittance_persistence_answered(int granted) {
  using namespace quittance::web;
  web_app().status.storage_persisted = granted ? 1 : 0;
  if (g_persistence_answered) std::exchange(g_persistence_answered, nullptr)(granted != 0);
  request_redraw();
}
