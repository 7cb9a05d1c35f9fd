// UUID v4 generation. See command_id.h.
#include "app/command_id.h"

#include <cstdio>
#include <random>

namespace quittance::app {

std::string new_command_id() {
  // random_device is the OS's generator natively and crypto.getRandomValues in the browser.
  static std::mt19937_64 engine = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  const std::uint64_t hi = engine(), lo = engine();
  return format_uuid_v4(hi, lo);
}

std::string format_uuid_v4(std::uint64_t hi, std::uint64_t lo) {
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0x0fff),
                static_cast<unsigned>(0x8000 | ((lo >> 48) & 0x3fff)),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return out;
}

}  // namespace quittance::app
