// The PIN that signs a user in on a shared device (the reception's computer). It keeps
// colleagues from acting under each other's name and role; it is not a lock on the data (whoever
// holds the database file holds the books). So a short PIN is enough, and what is stored is
// SHA-256 iterated over a random salt: the PIN cannot be read back, and the hash is slow
// enough that trying every PIN takes a while, though not forever (that is said honestly in
// docs/commands.md).
#pragma once
#include <string>

namespace quittance::app {

inline constexpr int kPinIterations = 20000;

// 4 to 8 digits.
bool valid_pin(const std::string& pin);
// 16 random bytes as 32 hex digits.
std::string new_pin_salt();
// The stored form: hex SHA-256, iterated kPinIterations times over salt and PIN.
std::string hash_pin(const std::string& salt_hex, const std::string& pin);

}  // namespace quittance::app
