// A server database with one clinic in a temporary folder, for the harnesses that call the
// server's logic directly (fuzz_webhook, fuzz_pay_page); removed when the process ends.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "server/devices/devices.h"
#include "server/store/server_db.h"

namespace quittance::fuzzing {

// The clock every harness runs at: fixed, so that an input replays the same way.
inline constexpr std::int64_t kNow = 1'800'000'000;

struct TempServer {
  std::filesystem::path dir;
  std::unique_ptr<server::SharedDatabase> db;
  explicit TempServer(const std::string& name)
      : dir(std::filesystem::temp_directory_path() / ("quittance-fuzz-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir);
    db = std::make_unique<server::SharedDatabase>(server::open_server_database(dir.string()));
    db->with([](server::Sql& d) { return server::create_clinic(d, "Cabinet", kNow); });
  }
  ~TempServer() {
    db.reset();
    std::filesystem::remove_all(dir);
  }
};

}  // namespace quittance::fuzzing
