// PINs. See pin.h.
#include "app/pin.h"

#include <algorithm>

#include "app/command_id.h"
#include "core/sha256.h"

namespace quittance::app {

bool valid_pin(const std::string& pin) {
  return pin.size() >= 4 && pin.size() <= 8 &&
         std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string new_pin_salt() {
  std::string salt = new_command_id();  // 122 random bits; the dashes dropped
  salt.erase(std::remove(salt.begin(), salt.end(), '-'), salt.end());
  return salt;
}

std::string hash_pin(const std::string& salt_hex, const std::string& pin) {
  std::string digest = core::sha256_hex(salt_hex + ":" + pin);
  for (int i = 1; i < kPinIterations; ++i) digest = core::sha256_hex(salt_hex + digest);
  return digest;
}

}  // namespace quittance::app
