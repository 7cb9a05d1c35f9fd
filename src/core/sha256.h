// SHA-256 (FIPS 180-4), our own implementation: it links the hash-chained audit log, and the
// same code must run in the browser (WebAssembly), where we have neither OpenSSL nor a
// platform crypto header. Pure computation: no I/O, no allocation beyond the hex string.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace quittance::core {

// Streaming hash: feed bytes with update() in as many pieces as convenient, then finish().
// finish() returns the digest and resets the object, so it can hash a new message.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  std::array<std::uint8_t, 32> finish();

 private:
  void reset();
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_;  // a partial block waiting for more bytes
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // message length in bytes (the padding wants it in bits)
};

// Lower-case hex of a digest: 64 characters.
std::string digest_hex(const std::array<std::uint8_t, 32>& digest);

// One-shot: lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace quittance::core
