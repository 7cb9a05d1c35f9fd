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
#include "platform/web/platform_input.h"
#include "platform/web/web_app.h"
#include "platform/web/web_files.h"
#include "platform/web/webgl2_renderer.h"
#include "store/backup.h"
#include "store/migrations.h"
#include "store/settings.h"
#include "sync/device_link.h"
#include "sync/replica.h"
#include "ui/form.h"
#include "ui/i18n.h"
#include "ui/platform_hooks.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

extern "C" {
// library_quittance.js: the code of a "#pair=CODE" address, malloc'd, or null.
char* qt_take_pairing_code();
// library_quittance.js: 1 when the page was opened as the demo (?demo), with no backend.
int qt_demo_mode();
// library_quittance.js: location.origin, malloc'd.
char* qt_page_origin();
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
void install_snapshot_installer(sync::Backend& backend);

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
  if (renderer_render(ImGui::GetDrawData())) ++app.frames_shown;
  input_end_frame();
  ++app.frames;
  run_pending_restore();

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
  web_app().storage.flush_files();
}

void apply_language_setting() {
  WebApp& app = web_app();
  if (auto language = store::get_setting(*app.db, "ui.language")) ui::set_language(*language);
}

// The books changed (a command here, or operations of other devices): screens reload, the
// language may have changed, and the database is stored once for the whole change.
void books_changed() {
  WebApp& app = web_app();
  ++app.data_version;
  apply_language_setting();
  app.storage.flush();
  request_redraw();
}

// The server link starts once the books are open: events it pulls are recorded in them.
// Called again after a restore, with a new command layer.
void start_backend() {
  WebApp& app = web_app();
  if (qt_demo_mode()) {
    // The demo (no backend): the server is played in the page, card features are simulated
    // and say so, and no link is written (a fake token must never meet a real server).
    app.backend = std::make_unique<sync::Backend>(app.demo_server, *app.commands, [](const sync::DeviceLink&) {});
    app.backend->set_simulated(true);
    app.backend->on_change(request_redraw);
    const auto first_seq = static_cast<std::int64_t>(emscripten_date_now()) * 1000;
    app.demo_server.restart_at(first_seq);
    sync::DeviceLink demo;
    demo.events_after = first_seq - 1;
    demo.token = "demo";
    demo.clinic_id = "demo";
    demo.device_name = ui::tr("backend.pair.default_name");
    app.backend->start(demo);
    // The demo opens on a practice with a year of history, loaded once (refused on books that
    // already hold something: a visitor's own trials are kept).
    const app::Json patients = app.commands->query({{"cmd", "patient.list"}, {"limit", 1}});
    if (patients.value("ok", false) && patients["result"].value("total", std::int64_t{-1}) == 0) {
      app.commands->exec({{"cmd", "demo.load"}, {"id", app::new_command_id()}, {"size", "small"}});
    }
    return;
  }
  app.backend = std::make_unique<sync::Backend>(app.http, *app.commands, save_device_link, &*app.db);
  app.backend->on_change(request_redraw);
  install_snapshot_installer(*app.backend);
  // Operations of other devices were applied (or ours accepted): screens reload, and the
  // batch is stored once, not once per operation.
  app.backend->on_synced(books_changed);
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
  static bool ticking = false;  // one timer for the page, whichever backend is current
  if (ticking) return;
  ticking = true;
  emscripten_set_interval(
      [](void*) {
        if (WebApp& a = web_app(); a.backend) a.backend->tick(emscripten_performance_now());
      },
      kBackendTickMs, nullptr);
}

// Closes what start_clinic opened, last first: the server link (its requests still waiting are
// answered "cancelled" while the objects their callbacks use exist), the command layer, the
// database.
void close_clinic() {
  WebApp& app = web_app();
  app.http.cancel_all("cancelled");
  app.backend.reset();
  app.commands.reset();
  app.db.reset();
}

void fail(const std::string& key, const std::string& detail) {
  WebApp& app = web_app();
  close_clinic();
  app.status.phase = ui::AppStatus::Phase::Failed;
  app.status.failure_key = key;
  app.status.failure_detail = detail;
  std::fprintf(stderr, "quittance: %s: %s\n", key.c_str(), detail.c_str());
  request_redraw();
}

// Opens the clinic database at the storage's path, refusing (never replacing) a file SQLite
// cannot read or that a newer Quittance wrote, and brings an older one up to date. The checks
// of start-up and of a restore. False with the catalogue key of the failure and its detail.
bool open_clinic_database(std::string* key, std::string* detail, bool store_now = true) {
  WebApp& app = web_app();
  try {
    app.db.emplace(store::Database::open(app.storage.database_path()));
    // This tab is the books' only user (one writer per browser, the Web Lock), so SQLite need
    // not look for another's changes at every read: in normal locking mode each query's read
    // transaction stats the file and looks for a hot journal, JavaScript calls into MEMFS that
    // cost a search keystroke about as much as its query. A larger page cache keeps the
    // indexes a search walks (FTS, invoices by patient) in SQLite's memory.
    app.db->exec("PRAGMA locking_mode = EXCLUSIVE");
    app.db->exec("PRAGMA cache_size = -32768");  // KiB
    std::string check = app.db->quick_check();
    if (check != "ok") {
      *key = "error.database_unreadable";
      *detail = check;
      return false;
    }
    const int newest = store::clinic_migrations().back().version;
    if (store::schema_version(*app.db) > newest) {
      *key = "error.database_newer";
      *detail = "schema " + std::to_string(store::schema_version(*app.db));
      return false;
    }
    store::migrate(*app.db, store::clinic_migrations());
    // A new, upgraded or moved-in file is stored now (the storage writes nothing when nothing
    // changed). Not a swapped-in one: its caller stores it whole, never a part of it.
    if (store_now) app.storage.flush();
  } catch (const store::StoreError& e) {
    *key = "error.database_unreadable";
    *detail = e.what();
    return false;
  }
  return true;
}

// The books are open: the command layer over them, the interface's language, the server link.
void start_clinic() {
  WebApp& app = web_app();
  app.commands = std::make_unique<app::CommandLayer>(*app.db);
  // A new command layer runs as the owner until someone signs in: after a restore the books
  // have their own users, so whoever works picks themselves again (or, alone, goes on unasked).
  app.ui.session = ui::SessionState{};
  app.commands->act_as_an_owner();  // the built-in owner may have been archived
  app.commands->on_commit([] {
    books_changed();
    if (WebApp& a = web_app(); a.backend) a.backend->local_change();  // sent within a second when online
  });
  apply_language_setting();
  start_backend();
  app.status.phase = ui::AppStatus::Phase::Ready;
  request_redraw();
}

// Storage is in place: open the database, refusing (never replacing) one we cannot read.
void on_storage_loaded(const std::string& error) {
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
    app.ui.settings.open_exports = true;
    app.ui.settings.exports.scroll_to_restore = true;
  }
  if (!error.empty()) return fail("error.storage_unavailable", error);
  // A snapshot download the page was closed during: never installed, never to be.
  std::remove((web_app().storage.database_path() + ".snapshot").c_str());
  std::string key, detail;
  if (!open_clinic_database(&key, &detail)) return fail(key, detail);
  start_clinic();
}

// [SECTION] Backup and restore ---------------------------------------------------------------
// The interface asks for a restore during a frame; it runs once the frame is drawn, since the
// frame holds the command layer and the server link the restore closes.

struct RestoreRequest {
  ui::Bytes bytes;
  std::function<void(const std::string&)> done;
};
std::optional<RestoreRequest> g_restore;

bool write_file(const std::string& path, const ui::Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.close();
  return static_cast<bool>(out);
}

bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

// Swaps the file `incoming` in as the clinic database and opens it with start-up's checks; on
// any failure the previous file is put back and reopened. "" or the catalogue key of the
// refusal. Closes the clinic (command layer, server link) either way: call it between frames.
std::string swap_database(const std::string& incoming) {
  WebApp& app = web_app();
  const std::string path = app.storage.database_path();
  const std::string previous = path + ".before-restore";
  close_clinic();
  // A cleanly closed database leaves no journal; one found there belongs to the old file.
  for (const char* suffix : {"-journal", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  std::remove(previous.c_str());
  const bool moved = std::rename(path.c_str(), previous.c_str()) == 0;
  std::string key, detail;
  if (moved && std::rename(incoming.c_str(), path.c_str()) == 0 &&
      open_clinic_database(&key, &detail, /*store_now=*/false)) {
    std::remove(previous.c_str());
    // Whole, before anything is committed on it (the demo loads its practice at start).
    app.storage.replaced();
    start_clinic();
    ++app.data_version;  // every screen reloads
    return "";
  }
  std::fprintf(stderr, "quittance: restore failed, the previous database is kept: %s %s\n", key.c_str(),
               detail.c_str());
  app.db.reset();
  if (moved || file_exists(previous)) {
    std::remove(path.c_str());
    std::rename(previous.c_str(), path.c_str());
  }
  std::remove(incoming.c_str());
  if (!open_clinic_database(&key, &detail, /*store_now=*/false)) {
    fail(key, detail);
    return "exports.restore.failed";
  }
  app.storage.replaced();  // the same books, but the file was moved twice behind SQLite's back
  start_clinic();
  return "exports.restore.failed";
}

// Replaces the clinic database by backup bytes: checked again, written beside the current
// file, then swapped in.
std::string replace_database(ui::Bytes bytes) {
  WebApp& app = web_app();
  // The owner's decision only: whoever works now must hold that role.
  if (!app.commands || ui::result_of(app.commands->query({{"cmd", "app.info"}})).value("role", "") != "owner") {
    return "exports.restore.owner_only";
  }
  try {
    const store::BackupCheck check = app::check_backup(bytes.data(), bytes.size());
    if (!check.ok()) return std::string("exports.restore.refused.") + store::to_string(check.status);
  } catch (const store::StoreError& e) {
    std::fprintf(stderr, "quittance: restore: %s\n", e.what());
    return "exports.restore.failed";
  }
  // A file saved in WAL mode comes without its -wal file: open it in rollback mode, as the
  // check read it (checked, so at least 100 bytes).
  for (std::size_t at : {18, 19}) {
    if (bytes[at] == 2) bytes[at] = 1;
  }
  const std::string incoming = app.storage.database_path() + ".restoring";
  if (!write_file(incoming, bytes)) {
    std::remove(incoming.c_str());
    return "exports.restore.failed";
  }
  return swap_database(incoming);
}

// [SECTION] Restore from the clinic's server --------------------------------------------------
// A new device of a clinic gets its books as the server's snapshot (sync/backend.h), written
// by fetch() straight into this file, then swapped in between frames.
std::optional<std::string> g_snapshot;

void install_snapshot_installer(sync::Backend& backend) {
  backend.set_snapshot_installer([](const sync::DeviceLink& link, std::function<bool(bool)> finished) {
    WebApp& app = web_app();
    const std::string incoming = app.storage.database_path() + ".snapshot";
    app.http.fetch_to_file(link.server_url + "/api/sync/snapshot", {{"Authorization", "Bearer " + link.token}},
                           incoming, [incoming, finished](int status) {
                             // The Backend says whether it still wants it (same link, still restoring).
                             if (finished(status == 200)) {
                               g_snapshot = incoming;
                               request_redraw();
                             } else {
                               std::remove(incoming.c_str());
                             }
                           });
  });
}

void run_pending_snapshot() {
  if (!g_snapshot) return;
  const std::string incoming = *g_snapshot;
  g_snapshot.reset();
  WebApp& app = web_app();
  if (!app.db || !app.commands || !app.backend) {
    std::remove(incoming.c_str());
    return;
  }
  // Work done here during the download (a patient, a setting) would be lost by the swap: keep
  // it, and pull the log on top of it instead.
  bool untouched = false;
  try {
    sync::Replica here(*app.db, *app.commands);
    untouched = !here.has_books() && here.pending_count() == 0;
  } catch (const store::StoreError&) {
  }
  if (!untouched) {
    std::remove(incoming.c_str());
    app.backend->snapshot_not_installed();
    return;
  }
  if (swap_database(incoming).empty()) {
    app.restored_from_snapshot = std::max<std::int64_t>(1, sync::Replica(*app.db, *app.commands).cursor());
  } else if (app.backend) {
    app.backend->sync_now();  // the snapshot was refused: the log from the start instead
  }
  request_redraw();
}

void run_pending_restore() {
  run_pending_snapshot();
  if (!g_restore) return;
  RestoreRequest request = std::move(*g_restore);
  g_restore.reset();
  const std::string error_key = replace_database(std::move(request.bytes));
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
    if (!app.db) return std::nullopt;
    try {
      return store::serialize_database(*app.db);
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
  hooks.restore = [](ui::Bytes bytes, std::function<void(const std::string&)> done) {
    g_restore = RestoreRequest{std::move(bytes), std::move(done)};
    request_redraw();
  };
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
  web::install_platform_hooks();
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
