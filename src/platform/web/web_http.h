// The browser's fetch() behind sync::HttpTransport (the JavaScript half is in
// library_quittance.js). Answers come back through the event loop, never during send().
#pragma once
#include <functional>
#include <map>

#include "sync/http.h"

namespace quittance::web {

class FetchTransport : public sync::HttpTransport {
 public:
  FetchTransport();
  ~FetchTransport() override;
  void send(const sync::HttpRequest& request, std::function<void(const sync::HttpResponse&)> done) override;
  // Called by the exported quittance_http_done.
  void finished(int id, const sync::HttpResponse& response);

 private:
  int next_id_ = 1;
  std::map<int, std::function<void(const sync::HttpResponse&)>> pending_;
};

}  // namespace quittance::web
