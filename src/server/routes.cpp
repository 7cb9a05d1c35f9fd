// Routes of quittance-server. See routes.h.
#include "server/routes.h"

#include <sys/socket.h>

#include <exception>
#include <iostream>

#include "core/version.h"
#include "server/static_files.h"

namespace quittance::server {

namespace {
constexpr const char* kJson = "application/json";

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), kJson);
}

std::string message_of(std::exception_ptr ep) {
  try {
    if (ep) std::rethrow_exception(ep);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
  }
  return "unknown exception";
}
}  // namespace

Health check_health(SharedDatabase& db) {
  Json body = {{"status", "ok"}, {"version", kVersion}, {"database", "ok"}, {"schema", nullptr}};
  try {
    // Reads the migrated table, not just "SELECT 1": a damaged or foreign file fails here.
    int schema = db.with([](store::Database& d) {
      store::Statement st = d.prepare("SELECT count(*) FROM server_info");
      st.step();
      return store::schema_version(d);
    });
    body["schema"] = schema;
    return {200, body};
  } catch (const std::exception& e) {
    std::cerr << "quittance-server: /healthz: database error: " << e.what() << '\n';
    body["status"] = "error";
    body["database"] = "error";
    return {503, body};
  }
}

Json api_error(const std::string& code, const std::string& message) {
  return {{"ok", false}, {"error", {{"code", code}, {"message", message}}}};
}

std::unique_ptr<httplib::Server> make_server(const Options& options, SharedDatabase& db) {
  auto server = std::make_unique<httplib::Server>();
  // httplib's default sets SO_REUSEPORT on Linux, which lets a second quittance-server bind the
  // same port and silently take half the connections. SO_REUSEADDR alone still allows a quick
  // restart over connections in TIME_WAIT, and a port in use fails to bind.
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // httplib tries handlers in registration order: exact API routes first, then the /api/
  // fallback, then the static files for everything else.
  server->Get("/healthz", [&db](const httplib::Request&, httplib::Response& res) {
    Health health = check_health(db);
    send_json(res, health.http_status, health.body);
  });

  auto api_not_found = [](const httplib::Request& req, httplib::Response& res) {
    send_json(res, 404, api_error("not_found", "no API route " + req.method + " " + req.path));
  };
  const std::string api = "/api/.*";
  server->Get(api, api_not_found);
  server->Post(api, api_not_found);
  server->Put(api, api_not_found);
  server->Patch(api, api_not_found);
  server->Delete(api, api_not_found);
  server->Options(api, api_not_found);

  auto files = std::make_shared<StaticFiles>(options.web_dir);
  server->Get(".*", [files](const httplib::Request& req, httplib::Response& res) { files->handle(req, res); });

  // Without this httplib answers 500 with the exception's text in an EXCEPTION_WHAT header.
  server->set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::cerr << "quittance-server: " << req.method << ' ' << req.path << ": " << message_of(ep) << '\n';
    res.status = 500;
    res.set_content("Internal server error\n", "text/plain; charset=utf-8");
  });
  return server;
}

}  // namespace quittance::server
