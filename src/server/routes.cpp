// Routes of quittance-server. See routes.h.
#include "server/routes.h"

#include <sys/socket.h>

#include <chrono>
#include <exception>
#include <iostream>

#include "core/version.h"
#include "server/http/api_routes.h"
#include "server/http/hardened_server.h"
#include "server/http/static_files.h"
#include "server/pay/routes.h"

namespace quittance::server {

namespace {
std::string message_of(std::exception_ptr ep) {
  try {
    if (ep) std::rethrow_exception(ep);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
  }
  return "unknown exception";
}

// A refusal made before the body is read: the body is still on the connection, so the client
// is told to close it rather than have its bytes read as the next request.
httplib::Server::HandlerResponse refuse_early(const httplib::Request& req, httplib::Response& res, int status,
                                              const std::string& code, const std::string& message) {
  if (is_api_path(req.path)) {
    send_api_error(res, status, code, message);
  } else {
    res.status = status;
    res.set_content(message + "\n", "text/plain; charset=utf-8");
  }
  res.set_header("Connection", "close");
  return httplib::Server::HandlerResponse::Handled;
}

// The JSON error code for an error status that httplib answered itself (no body from us).
std::string code_for_status(int status) {
  switch (status) {
    case 431:
      return "headers_too_large";
    case 400:
      return "bad_request";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 413:
      return "payload_too_large";
    case 414:
      return "uri_too_long";
    case 415:
      return "unsupported_media_type";
    case 416:
      return "range_not_satisfiable";
    default:
      return status >= 500 ? "internal" : "http_error";
  }
}
// The app: its own scripts, styles and fonts; WebAssembly compiled by them ('wasm-unsafe-eval'
// is what Chromium asks for; Emscripten 3.1.6's glue needs no eval of JavaScript); the API and
// the device's server over fetch (any https: server a device may pair with, or this one);
// no frame of it anywhere, no plugin, forms posted nowhere.
constexpr const char* kAppPagePolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self' http: https:; worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// httplib compresses text and JSON answers itself by the request's Accept-Encoding, and picks
// Brotli at its slowest quality (11) whenever the client takes it: 400 ms of CPU for the 172 KB
// of app.js, and as much for every 172 KB of a sync pull. The routes' answers are shown gzip
// only (zlib's default level: milliseconds); the static files compress themselves
// (http/static_files.h). The request is httplib's own object, not a constant one: changing its
// headers before routing is safe.
void gzip_only(const httplib::Request& req) {
  const bool gzip = accepts_gzip(req.get_header_value("Accept-Encoding"));
  httplib::Headers& headers = const_cast<httplib::Request&>(req).headers;
  headers.erase("Accept-Encoding");
  if (gzip) headers.emplace("Accept-Encoding", "gzip");
}

}  // namespace

Health check_health(SharedDatabase& db) {
  Json body = {{"status", "ok"}, {"version", kVersion}, {"database", "ok"}, {"schema", nullptr}};
  try {
    // Reads the migrated table, not just "SELECT 1": a damaged or foreign file fails here.
    int schema = db.with([](Sql& d) {
      SqlStatement st = d.prepare("SELECT count(*) FROM server_info");
      st.step();
      return d.schema_version();
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

std::shared_ptr<SnapshotStore> make_books(const Options& options) {
  return std::make_shared<SnapshotStore>(options.data_dir.empty() ? "" : options.data_dir + "/snapshots");
}

std::unique_ptr<httplib::Server> make_server(const Options& options, const ServerConfig& config, SharedDatabase& db,
                                             Clock now, std::shared_ptr<SnapshotStore> books) {
  auto shared_config = std::make_shared<const ServerConfig>(config);
  auto server = std::make_unique<HardenedServer>(config.trusted_proxies);
  // httplib's default sets SO_REUSEPORT on Linux, which lets a second quittance-server bind the
  // same port and silently take half the connections. SO_REUSEADDR alone still allows a quick
  // restart over connections in TIME_WAIT, and a port in use fails to bind.
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server->set_payload_max_length(kMaxRequestBody);
  // Answers go out at once: with Nagle's algorithm, the body written after the headers waited
  // for the client's delayed ACK, 40 ms on every keep-alive request (scripts/bench-hosted).
  server->set_tcp_nodelay(true);

  // Before any body is read. httplib 0.11 applies its payload limit to a Content-Length only:
  // a chunked body is read whole whatever its size, and a gzip or br body is inflated without
  // limit (50 KB of gzip become 50 MB). No client of ours needs either (browsers and Stripe
  // send a Content-Length and plain bytes), so a body must come with a Content-Length and
  // without Content-Encoding. Then CORS preflights, which carry no token and must not reach
  // the routes' 401.
  server->set_read_timeout(kReadTimeoutSeconds, 0);
  server->set_write_timeout(kWriteTimeoutSeconds, 0);
  server->set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (request_headers_over_limit()) {
      return refuse_early(req, res, 431, "headers_too_large", "too many header fields");
    }
    if (req.has_header("Transfer-Encoding")) {
      return refuse_early(req, res, 411, "length_required", "send the body with a Content-Length, not chunked");
    }
    // httplib answers a bare 400 to a POST without Content-Length (curl -X POST with no -d);
    // say what is missing instead.
    if ((req.method == "POST" || req.method == "PUT" || req.method == "PATCH") && !req.has_header("Content-Length")) {
      return refuse_early(req, res, 411, "length_required", "send a Content-Length header (0 for an empty body)");
    }
    if (std::string encoding = req.get_header_value("Content-Encoding"); !encoding.empty() && encoding != "identity") {
      return refuse_early(req, res, 415, "unsupported_encoding", "compressed request bodies are not accepted");
    }
    if (req.method == "OPTIONS" && is_api_path(req.path)) {
      res.status = 204;  // the CORS headers, if the origin is allowed, come from the post-routing handler
      return httplib::Server::HandlerResponse::Handled;
    }
    if (is_api_path(req.path) || req.path.rfind("/pay/", 0) == 0 || req.path == "/healthz") gzip_only(req);
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // httplib tries handlers in registration order: exact API routes first, then the /api/
  // fallback, then the static files for everything else.
  server->Get("/healthz", [&db](const httplib::Request&, httplib::Response& res) {
    Health health = check_health(db);
    send_json(res, health.http_status, health.body);
  });
  // The clinic's books the server keeps for new devices (sync/snapshots.h), beside its database.
  install_api_routes(*server, shared_config, db, std::move(now), books ? std::move(books) : make_books(options));

  // /pay/TOKEN: the patient payment page, under its own CSP (pay/routes.h).
  install_pay_page(*server, options.web_dir, config);
  auto files = std::make_shared<StaticFiles>(options.web_dir);
  server->Get(".*", [files](const httplib::Request& req, httplib::Response& res) { files->handle(req, res); });

  // Errors httplib answers itself (413 for a large body, 400 for a bad request...) come without
  // a body; under /api/ they get the JSON error every API client expects. Ours have a body and
  // are left alone, as is everything outside /api/.
  server->set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!is_api_path(req.path) || !res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        send_api_error(res, res.status, code_for_status(res.status), "HTTP " + std::to_string(res.status));
        return httplib::Server::HandlerResponse::Handled;
      }));

  // Last, on every answer, errors included. CORS: only the configured origin, compared exactly;
  // any other origin gets no CORS header and the browser keeps its page out.
  server->set_post_routing_handler([shared_config](const httplib::Request& req, httplib::Response& res) {
    // Every answer: never sniffed into another type, never shown inside another site's frame.
    if (!res.has_header("X-Content-Type-Options")) res.set_header("X-Content-Type-Options", "nosniff");
    if (!is_api_path(req.path)) {
      // The app's own pages: its scripts and the WebAssembly they compile, from here only.
      // The payment page sets its own (Stripe.js), which stands.
      if (!res.has_header("Content-Security-Policy")) res.set_header("Content-Security-Policy", kAppPagePolicy);
      if (!res.has_header("Referrer-Policy")) res.set_header("Referrer-Policy", "no-referrer");
      return;
    }
    if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
    const std::string& allowed = shared_config->allowed_origin;
    if (allowed.empty()) return;
    res.set_header("Vary", "Origin");
    if (req.get_header_value("Origin") != allowed) return;
    res.set_header("Access-Control-Allow-Origin", allowed);
    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
    res.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    res.set_header("Access-Control-Max-Age", "600");
  });

  // Without this httplib answers 500 with the exception's text in an EXCEPTION_WHAT header.
  // The text goes to the log only: it may name a file or a table, and the client needs neither.
  server->set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::cerr << "quittance-server: " << req.method << ' ' << loggable_path(req.path) << ": " << message_of(ep) << '\n';
    if (is_api_path(req.path)) {
      send_api_error(res, 500, "internal", "internal server error");
    } else {
      res.status = 500;
      res.set_content("Internal server error\n", "text/plain; charset=utf-8");
    }
  });
  return server;
}

}  // namespace quittance::server
