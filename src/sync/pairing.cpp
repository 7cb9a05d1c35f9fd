// Pairing and the clinic's devices. See pairing.h.
#include "sync/pairing.h"

namespace quittance::sync {

Pairing::Pairing(ServerLink& server, LogSync& log, app::CommandLayer& commands, std::function<void()> forget)
    : server_(server), log_(log), commands_(commands), forget_(std::move(forget)) {}

void Pairing::pair(const std::string& server_url, const std::string& code, const std::string& device_name, Done done) {
  if (log_.has_unrecorded_books()) {
    // Their history cannot be sent as operations: refused here, before any code is spent.
    CallResult refused;
    refused.status = 409;
    refused.code = "books_need_import";
    done(refused);
    return;
  }
  forget_();
  server_.update_link([&](DeviceLink& l) { l.server_url = server_url; });
  Json body = {{"code", code}, {"name", device_name}};
  // What this device holds: the server refuses to mix another practice's books into the clinic.
  const BooksAtPairing books = log_.books();
  if (log_.enabled()) {
    body["books"] = {{"has_books", books.has_books}, {"clinic_id", books.clinic_id}, {"cursor", books.cursor}};
  }
  server_.call("POST", "/api/devices/pair", &body,
               [this, server_url, device_name, done, had_books = books.has_books](const CallResult& r) {
                 if (r.ok() && r.body.value("device_token", "").size() > 0) {
                   DeviceLink link;
                   link.local_id = server_.link().local_id;
                   link.server_url = server_url;
                   link.clinic_id = r.body.value("clinic_id", "");
                   link.device_id = r.body.value("device_id", "");
                   link.device_name = device_name;
                   link.token = r.body.value("device_token", "");
                   link.series = r.body.value("series", "");
                   server_.set_link(std::move(link));
                   log_.joined(had_books, r.body.value("log_head", std::int64_t{0}));
                   server_.set_connection(Connection::Connecting);
                   server_.refresh();
                 }
                 done(r);
               });
}

void Pairing::request_pairing_code(const std::string& device_role, Done done) {
  const Json body = {{"device_role", device_role}};
  server_.call("POST", "/api/devices/pairing-code", &body, std::move(done));
}

void Pairing::list_devices(Done done) { server_.call("GET", "/api/devices", nullptr, std::move(done)); }

void Pairing::revoke_device(const std::string& device_id, Done done) {
  const Json body = {{"device_id", device_id}, {"role", signed_in_role(commands_)}};
  server_.call("POST", "/api/devices/revoke", &body, std::move(done));
}

void Pairing::set_device_role(const std::string& device_id, const std::string& device_role, Done done) {
  const Json body = {{"device_id", device_id}, {"device_role", device_role}, {"role", signed_in_role(commands_)}};
  server_.call("POST", "/api/devices/role", &body, std::move(done));
}

}  // namespace quittance::sync
