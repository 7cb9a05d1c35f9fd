// The device's HTTP client, behind one interface: the browser's fetch() in the page
// (platform/web/web_http.cpp), cpp-httplib in the native tests. The sync layer never blocks:
// it sends and is called back, on the thread that sent, once.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace quittance::sync {

struct HttpRequest {
  std::string method;  // "GET" or "POST"
  std::string url;     // absolute, or "/api/..." on the page's own origin
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // JSON, for a POST
};

struct HttpResponse {
  int status = 0;  // 0: no answer at all (offline, refused, cut)
  std::string body;
  std::string error;  // why there was no answer
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual void send(const HttpRequest& request, std::function<void(const HttpResponse&)> done) = 0;
};

}  // namespace quittance::sync
