// The browser app: start-up, storage load, and the on-demand frame loop.
// Frames are drawn only when something happened (an event, a storage callback, an automation
// call): an idle tab uses no CPU. A text field being edited redraws twice a second for its
// blinking cursor.
#include <emscripten/emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "platform/web/platform_input.h"
#include "platform/web/web_app.h"
#include "platform/web/webgl2_renderer.h"
#include "store/migrations.h"
#include "sync/device_link.h"
#include "store/settings.h"
#include "ui/i18n.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

extern "C" {
// library_quittance.js: the code of a "#pair=CODE" address, malloc'd, or null.
char* qt_take_pairing_code();
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
  if (input_new_frame(now_ms)) {
    ui::load_fonts(kFontPath, input_pixel_ratio());
    renderer_reload_fonts();
  }
  app.status.online = is_online();
  app.status.save = app.storage.save_state();
  app.status.save_error = app.storage.last_error();

  ImGui::NewFrame();
  ui::widget_log_begin_frame();
  ui::draw_app(app.commands.get(), app.backend.get(), app.data_version, app.status, app.ui);
  ui::widget_log_end_frame();
  ImGui::Render();
  renderer_render(ImGui::GetDrawData());
  input_end_frame();
  ++app.frames;

  if (ImGui::GetIO().WantTextInput) schedule_blink();
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
  web_app().storage.flush();
}

// The server link starts once the books are open: events it pulls are recorded in them.
void start_backend() {
  WebApp& app = web_app();
  app.backend = std::make_unique<sync::Backend>(app.http, *app.commands, save_device_link);
  app.backend->on_change(request_redraw);
  app.backend->start(sync::device_link_from_json(read_file(kDeviceLinkPath)).value_or(sync::DeviceLink{}));
  // A "#pair=CODE" link (scripts/run prints one) pairs this browser with the page's server.
  if (char* code = qt_take_pairing_code()) {
    app.ui.settings.backend.pairing = true;
    ui::BackendSettingsState* s = &app.ui.settings.backend;
    app.backend->pair("", code, ui::tr("backend.pair.default_name"), [s](const sync::CallResult& r) {
      s->pairing = false;
      s->failed = !r.ok();
      s->message_key = r.ok() ? "backend.pair.done" : "backend.pair.link_refused";
    });
    std::free(code);
  }
  emscripten_set_interval([](void*) { web_app().backend->tick(emscripten_performance_now()); }, kBackendTickMs,
                          nullptr);
}

void fail(const char* key, const std::string& detail) {
  WebApp& app = web_app();
  app.commands.reset();
  app.db.reset();
  app.status.phase = ui::AppStatus::Phase::Failed;
  app.status.failure_key = key;
  app.status.failure_detail = detail;
  std::fprintf(stderr, "quittance: %s: %s\n", key, detail.c_str());
  request_redraw();
}

void apply_language_setting() {
  WebApp& app = web_app();
  if (auto language = store::get_setting(*app.db, "ui.language")) ui::set_language(*language);
}

// Storage is in place: open the database, refusing (never replacing) one we cannot read.
void on_storage_loaded(const std::string& error) {
  WebApp& app = web_app();
  if (!error.empty()) return fail("error.storage_unavailable", error);
  try {
    app.db.emplace(store::Database::open(app.storage.database_path()));
    std::string check = app.db->quick_check();
    if (check != "ok") return fail("error.database_unreadable", check);
    const int newest = store::clinic_migrations().back().version;
    if (store::schema_version(*app.db) > newest) {
      return fail("error.database_newer", "schema " + std::to_string(store::schema_version(*app.db)));
    }
    const int before = store::schema_version(*app.db);
    store::migrate(*app.db, store::clinic_migrations());
    if (store::schema_version(*app.db) != before) app.storage.flush();  // a new or upgraded file
  } catch (const store::StoreError& e) {
    return fail("error.database_unreadable", e.what());
  }
  app.commands = std::make_unique<app::CommandLayer>(*app.db);
  app.commands->on_commit([] {
    WebApp& a = web_app();
    ++a.data_version;
    apply_language_setting();
    a.storage.flush();
    request_redraw();
  });
  apply_language_setting();
  start_backend();
  app.status.phase = ui::AppStatus::Phase::Ready;
  request_redraw();
}

}  // namespace

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
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ui::apply_theme();
  web::load_catalogs();
  web::input_init(web::kCanvas, web::request_redraw, web::draw_frame_now);
  web::input_new_frame(emscripten_performance_now());
  if (!ui::load_fonts(web::kFontPath, web::input_pixel_ratio())) {
    std::fprintf(stderr, "quittance: font %s missing, using ImGui's default\n", web::kFontPath);
  }
  const char* error = nullptr;
  if (!web::renderer_init(web::kCanvas, &error)) {
    EM_ASM({ if (window.quittanceBoot) window.quittanceBoot.fatal(UTF8ToString($0)); }, error);
    return 1;
  }
  web::web_app().storage.on_change(web::request_redraw);
  web::web_app().storage.load(web::on_storage_loaded);
  web::request_redraw();
  return 0;  // the runtime stays alive (EXIT_RUNTIME=0): events and callbacks drive the app
}
