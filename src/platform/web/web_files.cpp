// Downloads and the file picker. See web_files.h.
#include "platform/web/web_files.h"

#include <emscripten/emscripten.h>

#include <functional>
#include <string>

#include "platform/web/web_app.h"
#include "ui/platform_hooks.h"

extern "C" {
// library_quittance.js
void qt_download(const char* filename, const char* mime, const char* data, std::size_t size);
void qt_pick_file(const char* accept);
}

namespace quittance::web {

namespace {
// Who asked for the file being picked; the JS callback has no user data (one picker per page).
std::function<void(std::string, ui::Bytes)> g_picked;
}  // namespace

void install_file_hooks() {
  ui::Platform& hooks = ui::platform();
  hooks.download = [](const std::string& filename, const std::string& mime, std::string_view bytes) {
    qt_download(filename.c_str(), mime.c_str(), bytes.data(), bytes.size());
  };
  hooks.pick_file = [](const std::string& accept, std::function<void(std::string, ui::Bytes)> picked) {
    g_picked = std::move(picked);
    qt_pick_file(accept.c_str());
  };
}

}  // namespace quittance::web

extern "C" EMSCRIPTEN_KEEPALIVE void quittance_file_picked(const char* name, const unsigned char* data,
                                                           std::size_t size) {
  if (!quittance::web::g_picked) return;
  quittance::web::g_picked(name ? name : "", quittance::ui::Bytes(data, data + size));
  quittance::web::request_redraw();
}
