// Clinics, their devices and pairing codes in the server database (tables of migration 2).
// A clinic is created from the command line with its first device; every other device joins
// by a pairing code that an already-paired device asks for. Each device holds its own token:
// revoking one device (devices.revoked) leaves the others working.
//
// These functions take the connection and the time; they throw store::StoreError on database
// failure and std::runtime_error when no random bytes can be had. The HTTP routes and main()
// are the edges that turn those into answers.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/roles.h"
#include "server/store/sql.h"

namespace quittance::server {

// A pairing code is valid this long after it was made, and once.
inline constexpr std::int64_t kPairingCodeLifetimeSeconds = 10 * 60;

// A clinic's or device's name as given by a person: blanks around it dropped, then 1 to 100
// bytes of valid UTF-8 without control characters. `error` says what is wrong, else empty.
struct DisplayName {
  std::string value;
  std::string error;
};
DisplayName check_display_name(std::string_view raw);

struct Device {
  std::string id;
  std::string clinic_id;
  std::string name;
  core::Role role = core::Role::Owner;  // the most it may do, whatever it says of its user
};

// What a new device receives, once: the token is not stored anywhere in clear.
struct NewDevice {
  std::string clinic_id;
  std::string device_id;
  std::string device_token;
};

// The name given to a clinic's first device, the one create-clinic makes.
inline constexpr std::string_view kFirstDeviceName = "Poste principal";

// Creates the clinic and its first device in one transaction. `name` must have passed
// check_display_name.
NewDevice create_clinic(Sql& db, const std::string& name, std::int64_t now);

// The device holding `token`, unless the token is unknown or the device revoked.
std::optional<Device> find_device_by_token(Sql& db, std::string_view token);

struct PairingCode {
  std::string code;         // shown once, to the device that asked
  std::int64_t expires_at;  // Unix time
};
// A fresh code for `clinic_id`, valid kPairingCodeLifetimeSeconds; the device it pairs gets
// `role` as its ceiling. Codes expired for a day are deleted on the way: they can only be
// refused, and "unknown" refuses them as well.
PairingCode create_pairing_code(Sql& db, const std::string& clinic_id, std::int64_t now,
                                core::Role role = core::Role::Owner);

// What the joining device already holds (docs/sync.md, « Pairing »): its books become the
// clinic's only when the clinic has none yet, or when they were that clinic's already.
struct JoiningBooks {
  bool has_books = false;     // patients, invoices or payments made on the device
  std::string clinic_id;      // the clinic it was paired with before ("" for none)
  std::int64_t cursor = 0;    // the last operation of that clinic it applied
};

enum class PairingOutcome { paired, unknown_code, used_code, expired_code, other_books };
struct PairingResult {
  PairingOutcome outcome;
  NewDevice device;        // when paired
  std::string series;      // the device's invoice number series (A, B…), when paired
  std::int64_t log_head = 0;
};
// Spends `code` (normalised, see normalise_pairing_code) and creates the device `name` in the
// code's clinic with the next free number series, in one transaction. Any other outcome
// changes nothing (other_books leaves the code valid: the device can be emptied and retry).
PairingResult pair_device(Sql& db, std::string_view code, const std::string& name, std::int64_t now,
                          const JoiningBooks& books = {});

// "A".."Z", "AA".."AZ", … for 0, 1, …: the series of the clinic's n-th paired device.
std::string series_for_index(std::int64_t n);
// The device's series ("" when it has none).
std::string device_series(Sql& db, const std::string& device_id);

struct DeviceInfo {
  std::string id, name, created_at;
  bool revoked = false;
  core::Role role = core::Role::Owner;
};
// The clinic's devices, oldest first, revoked ones included (marked).
std::vector<DeviceInfo> list_devices(Sql& db, const std::string& clinic_id);
// Revokes a device of the clinic: its token stops working at once. False when the clinic has
// no such device. Revoking twice is not an error.
bool revoke_device(Sql& db, const std::string& clinic_id, const std::string& device_id);
// Sets a device's ceiling. False when the clinic has no such device.
bool set_device_role(Sql& db, const std::string& clinic_id, const std::string& device_id, core::Role role);

// The series an operation of `device_id` may number in: its own; and, for a device without one
// (create-clinic's token) or an operation made before a re-pairing, any series that no other
// active device of the clinic holds. Another live device's series never: that would break its
// gapless numbering.
bool series_allowed(Sql& db, const std::string& clinic_id, const std::string& device_id,
                    const std::string& series);

}  // namespace quittance::server
