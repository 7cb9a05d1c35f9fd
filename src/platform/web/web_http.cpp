// fetch() as the sync layer's transport. See web_http.h.
#include "platform/web/web_http.h"

#include <emscripten/emscripten.h>

#include <nlohmann/json.hpp>

#include "platform/web/web_app.h"

extern "C" {
// library_quittance.js
void qt_http_send(int id, const char* method, const char* url, const char* headers_json, const char* body);
void qt_fetch_to_file(int id, const char* url, const char* headers_json, const char* path);
}

namespace quittance::web {

namespace {
FetchTransport* g_transport = nullptr;  // the JS callback has no user data: one transport per page
}  // namespace

FetchTransport::FetchTransport() { g_transport = this; }
FetchTransport::~FetchTransport() { g_transport = nullptr; }

void FetchTransport::send(const sync::HttpRequest& request, std::function<void(const sync::HttpResponse&)> done) {
  const int id = next_id_++;
  pending_[id] = std::move(done);
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [name, value] : request.headers) headers[name] = value;
  qt_http_send(id, request.method.c_str(), request.url.c_str(), headers.dump().c_str(), request.body.c_str());
}

void FetchTransport::fetch_to_file(const std::string& url,
                                   const std::vector<std::pair<std::string, std::string>>& headers,
                                   const std::string& path, std::function<void(int status)> done) {
  const int id = next_id_++;
  files_pending_[id] = std::move(done);
  nlohmann::json h = nlohmann::json::object();
  for (const auto& [name, value] : headers) h[name] = value;
  qt_fetch_to_file(id, url.c_str(), h.dump().c_str(), path.c_str());
}

void FetchTransport::file_finished(int id, int status) {
  auto it = files_pending_.find(id);
  if (it == files_pending_.end()) return;
  auto done = std::move(it->second);
  files_pending_.erase(it);
  done(status);
  request_redraw();
}

void FetchTransport::finished(int id, const sync::HttpResponse& response) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  auto done = std::move(it->second);
  pending_.erase(it);
  done(response);
  request_redraw();
}

void FetchTransport::cancel_all(const std::string& reason) {
  // Downloads first: their callbacks may send requests, answered below.
  auto files = std::move(files_pending_);
  files_pending_.clear();
  for (auto& [id, done] : files) done(0);
  // A callback may send again (a pull that retries): a few rounds answer those too, and what is
  // left after them is dropped unanswered.
  for (int round = 0; round < 4 && !pending_.empty(); ++round) {
    auto waiting = std::move(pending_);
    pending_.clear();
    for (auto& [id, done] : waiting) {
      sync::HttpResponse response;
      response.error = reason;
      done(response);
    }
  }
  pending_.clear();
  files_pending_.clear();
}

}  // namespace quittance::web

extern "C" EMSCRIPTEN_KEEPALIVE void quittance_http_done(int id, int status, const char* body, const char* error) {
  if (!quittance::web::g_transport) return;
  quittance::sync::HttpResponse response;
  response.status = status;
  response.body = body ? body : "";
  response.error = error ? error : "";
  quittance::web::g_transport->finished(id, response);
}

extern "C" EMSCRIPTEN_KEEPALIVE void quittance_fetch_file_done(int id, int status) {
  if (quittance::web::g_transport) quittance::web::g_transport->file_finished(id, status);
}
