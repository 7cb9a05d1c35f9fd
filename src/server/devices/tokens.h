// The server's secrets and identifiers: device tokens, pairing codes, clinic and device ids,
// all from OpenSSL's RAND_bytes (the kernel's generator, never a seeded PRNG), and the one
// hash under which the secrets are stored. A secret is shown once, to the one who receives it,
// and the database keeps only its SHA-256: a copy of server.db lets no one act as a device.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace quittance::server {

// `count` cryptographically random bytes. Throws std::runtime_error if OpenSSL cannot provide
// them (no entropy source): the callers' edges turn that into a 500 or an exit status.
std::string random_bytes(std::size_t count);

// 256 random bits as 64 lower-case hex characters.
std::string new_device_token();
// The shape of a token new_device_token() makes; anything else is refused without a lookup.
bool looks_like_device_token(std::string_view token);

// The characters of a pairing code: capitals and digits without 0/O, 1/I/L, read aloud or
// copied from a screen without doubt. 31 symbols, 8 of them: about 39.6 bits.
inline constexpr std::string_view kPairingAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
inline constexpr std::size_t kPairingCodeLength = 8;

// 8 characters of kPairingAlphabet, uniformly drawn (rejection sampling, no modulo bias).
std::string new_pairing_code();
// A typed code in canonical form: lower case raised, spaces and '-' dropped ("abcd-efgh").
// nullopt when what is left is not 8 characters of the alphabet.
std::optional<std::string> normalise_pairing_code(std::string_view typed);

// How secrets are stored: lower-case hex SHA-256 of the exact text.
std::string secret_hash(std::string_view secret);

// A random UUID (version 4) for a clinic or a device.
std::string new_uuid();

}  // namespace quittance::server
