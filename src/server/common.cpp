// What the server's parts share. See common.h.
#include "server/common.h"

#include <chrono>

namespace quittance::server {

std::string loggable_path(std::string_view path) {
  // A payment link's token opens a patient's page: it is cut from what is logged.
  for (std::string_view secret_prefix : {"/pay/", "/api/pay/"}) {
    if (path.rfind(secret_prefix, 0) == 0) return std::string(secret_prefix) + "…";
  }
  std::string out(path.substr(0, 200));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';  // no forged log lines
  return out;
}

Json api_error(const std::string& code, const std::string& message) {
  return {{"ok", false}, {"error", {{"code", code}, {"message", message}}}};
}

std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace quittance::server
