// The browser's fetch() behind sync::HttpTransport (the JavaScript half is in
// library_quittance.js). Answers come back through the event loop, never during send().
#pragma once
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sync/http.h"

namespace quittance::web {

class FetchTransport : public sync::HttpTransport {
 public:
  FetchTransport();
  ~FetchTransport() override;
  void send(const sync::HttpRequest& request, std::function<void(const sync::HttpResponse&)> done) override;
  // GET `url` straight into the file `path` of the page's file system (a binary body of
  // hundreds of megabytes, never copied through a string): `done(status)`, 0 without an answer;
  // the file exists only after a 200.
  void fetch_to_file(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& path, std::function<void(int status)> done);
  // Called by the exported quittance_http_done and quittance_fetch_file_done.
  void finished(int id, const sync::HttpResponse& response);
  void file_finished(int id, int status);
  // Answers every request still waiting "no answer" (status 0, error `reason`) at once, so that
  // no callback outlives what it points to (the server link being closed); the browser's late
  // answers then find no request and are dropped.
  void cancel_all(const std::string& reason);

 private:
  int next_id_ = 1;
  std::map<int, std::function<void(const sync::HttpResponse&)>> pending_;
  std::map<int, std::function<void(int)>> files_pending_;
};

}  // namespace quittance::web
