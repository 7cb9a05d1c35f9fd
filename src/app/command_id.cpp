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

std::string new_link_token() {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::random_device device;
  unsigned char bytes[33] = {};  // 256 bits, one zero byte of padding: 11 groups of 3 bytes
  for (int i = 0; i < 32; i += 4) {
    const std::uint32_t r = device();
    for (int k = 0; k < 4; ++k) bytes[i + k] = static_cast<unsigned char>(r >> (8 * k));
  }
  std::string out;
  for (int i = 0; i < 33; i += 3) {
    const std::uint32_t n = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    for (int k = 3; k >= 0; --k) out += kAlphabet[(n >> (6 * k)) & 63];
  }
  out.resize(43);  // 256 bits need 43 characters; the 44th only carries padding
  return out;
}

std::string format_uuid_v4(std::uint64_t hi, std::uint64_t lo) {
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0x0fff),
                static_cast<unsigned>(0x8000 | ((lo >> 48) & 0x3fff)),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return out;
}

bool valid_command_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 &&
         id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == std::string_view::npos;
}

}  // namespace quittance::app
