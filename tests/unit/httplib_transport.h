// sync::HttpTransport over cpp-httplib for native tests: synchronous, the answer is handed over
// before send() returns (which the sync layer allows).
#pragma once
#include <httplib.h>

#include <chrono>

#include "sync/http.h"

namespace quittance::testing {

class HttplibTransport : public sync::HttpTransport {
 public:
  void send(const sync::HttpRequest& request, std::function<void(const sync::HttpResponse&)> done) override {
    ++requests;
    if (offline) {
      sync::HttpResponse cut;
      cut.error = "offline";
      done(cut);
      return;
    }
    const std::size_t path_at = request.url.find('/', request.url.find("://") + 3);
    httplib::Client client(request.url.substr(0, path_at));
    client.set_read_timeout(std::chrono::seconds(10));
    httplib::Headers headers;
    std::string content_type = "application/json";
    for (const auto& [name, value] : request.headers) {
      if (name == "Content-Type") {
        content_type = value;
      } else {
        headers.emplace(name, value);
      }
    }
    const std::string path = request.url.substr(path_at);
    httplib::Result res =
        request.method == "POST" ? client.Post(path, headers, request.body, content_type) : client.Get(path, headers);
    sync::HttpResponse response;
    if (res) {
      response.status = res->status;
      response.body = res->body;
    } else {
      response.error = httplib::to_string(res.error());
    }
    done(response);
  }
  int requests = 0;
  bool offline = false;  // every request fails as without a network
};

}  // namespace quittance::testing
