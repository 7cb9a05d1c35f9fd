// The browser app's single instance: storage, database, command layer, the link to the
// clinic's server and interface state, shared by the frame loop (main.cpp) and the automation
// surface (automation.cpp).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>

#include "platform/web/page_storage.h"
#include "platform/web/web_http.h"
#include "session/clinic_session.h"
#include "sync/demo_server.h"
#include "ui/shell.h"

namespace quittance::web {

// Where this page keeps the clinic: the page store, and the demo's own IndexedDB databases.
PageStorage::Options storage_options();
// The clinic session's file in the page store, and its way to the server (or the demo's).
session::ClinicFiles clinic_files(PageStorage& storage);
session::ServerAccess server_access(FetchTransport& http, sync::DemoServer& demo);

struct WebApp {
  PageStorage storage{storage_options()};
  FetchTransport http;
  sync::DemoServer demo_server;                  // the server played in the page (?demo)
  // The books, their command layer and server link: open once storage loaded and checks passed.
  session::ClinicSession clinic{clinic_files(storage), server_access(http, demo_server)};
  std::uint64_t data_version = 0;                // bumped at every commit: screens reload
  ui::AppStatus status;
  ui::UiState ui;
  std::string started_over;                      // after a loss, how this page started (PageStorage::start_over)
  std::uint64_t frames = 0;                      // frames drawn since start (idle tabs draw none)
  std::uint64_t frames_shown = 0;                // of which sent to the canvas (not like the last)
  bool first_frame_reported = false;
};

WebApp& web_app();
// Schedules a frame (and a few after it, for ImGui's hover and animation states to settle).
void request_redraw();

}  // namespace quittance::web
