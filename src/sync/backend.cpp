// The device's side of the backend, assembled. See backend.h.
#include "sync/backend.h"

#include "app/command_id.h"

namespace quittance::sync {

Backend::Backend(HttpTransport& http, app::CommandLayer& commands, SaveLink save, store::Database* db)
    : server_(http, std::move(save)),
      log_(server_, http, commands, db),
      cards_(server_, log_, commands),
      pairing_(server_, log_, commands, [this] { forget(); }),
      stripe_account_(server_, commands) {
  server_.on_refreshed([this] {
    if (log_.restoring()) return;  // the snapshot brings the books: the operations after it
    cards_.refreshed();
    log_.exchange();
  });
  server_.on_series([this] {
    log_.apply_origin();
    log_.keep_series_setting();
  });
}

void Backend::start(DeviceLink link) {
  if (log_.enabled() && link.local_id.empty()) {
    link.local_id = app::new_command_id();  // made at first start, kept for good
    server_.set_link(std::move(link));
  } else {
    server_.set_link(std::move(link), /*keep=*/false);
  }
  log_.started();
  const bool paired = server_.link().paired();
  server_.set_connection(paired ? Connection::Connecting : Connection::Unpaired);
  if (paired) server_.refresh();
}

void Backend::forget() {
  server_.forget();
  log_.forgotten();
  cards_.forgotten();
  stripe_account_.forgotten();
  server_.changed();
}

void Backend::tick(double now_ms) {
  if (server_.tick(now_ms)) return;
  if (server_.link().paired() && server_.connection() != Connection::Revoked) log_.tick(now_ms);
}

}  // namespace quittance::sync
