// The browser's fetch() behind sync::HttpTransport (the JavaScript half is in
// library_quittance.js). Answers come back through the event loop, never during send().
#pragma once
#include <functional>
#include <map>
#include <string>

#include "sync/http.h"

namespace quittance::web {

class FetchTransport : public sync::HttpTransport {
 public:
  FetchTransport();
  ~FetchTransport() override;
  void send(const sync::HttpRequest& request, std::function<void(const sync::HttpResponse&)> done) override;
  // Called by the exported quittance_http_done.
  void finished(int id, const sync::HttpResponse& response);
  // Answers every request still waiting "no answer" (status 0, error `reason`) at once, so that
  // no callback outlives what it points to (the server link being closed); the browser's late
  // answers then find no request and are dropped.
  void cancel_all(const std::string& reason);

 private:
  int next_id_ = 1;
  std::map<int, std::function<void(const sync::HttpResponse&)>> pending_;
};

}  // namespace quittance::web
