// Secrets, identifiers and their hashes. See devices/tokens.h.
#include "server/devices/tokens.h"

#include <openssl/rand.h>

#include <cstdint>
#include <stdexcept>

#include "app/command_id.h"
#include "core/sha256.h"
#include "core/text.h"

namespace quittance::server {

std::string random_bytes(std::size_t count) {
  std::string bytes(count, '\0');
  if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("no random bytes from OpenSSL (RAND_bytes failed)");
  }
  return bytes;
}

std::string new_device_token() {
  return core::to_hex(random_bytes(32));
}

bool looks_like_device_token(std::string_view token) {
  if (token.size() != 64) return false;
  for (char c : token) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string new_pairing_code() {
  // 31 symbols: bytes at or above 248 (= 8 * 31) are drawn again, so that every symbol is
  // equally likely; a byte is rejected with probability 8/256.
  constexpr unsigned limit = 256 - 256 % kPairingAlphabet.size();
  std::string code;
  while (code.size() < kPairingCodeLength) {
    for (unsigned char b : random_bytes(16)) {
      if (b >= limit) continue;
      code += kPairingAlphabet[b % kPairingAlphabet.size()];
      if (code.size() == kPairingCodeLength) break;
    }
  }
  return code;
}

std::optional<std::string> normalise_pairing_code(std::string_view typed) {
  std::string code;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kPairingAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    code += c;
    if (code.size() > kPairingCodeLength) return std::nullopt;
  }
  if (code.size() != kPairingCodeLength) return std::nullopt;
  return code;
}

std::string secret_hash(std::string_view secret) { return core::sha256_hex(secret); }

std::string new_uuid() {
  std::string bytes = random_bytes(16);
  std::uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) {
    hi = (hi << 8) | static_cast<unsigned char>(bytes[i]);
    lo = (lo << 8) | static_cast<unsigned char>(bytes[8 + i]);
  }
  return app::format_uuid_v4(hi, lo);
}

}  // namespace quittance::server
