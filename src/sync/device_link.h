// This device's link to the clinic's backend: where the server is, the device's token (from
// pairing) and how far it has pulled the server's events. Kept apart from the clinic database,
// in its own small file, so that a backup of the books given to an accountant carries no
// credential, and a restored backup does not impersonate the device it came from.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace quittance::sync {

struct DeviceLink {
  std::string server_url;  // "" : the server that serves the page (same origin)
  std::string clinic_id, clinic_name, device_id, device_name;
  std::string token;              // the device's bearer token; "" when not paired
  std::string series;             // its invoice number series, given at pairing ("" before)
  // Made at first start, kept for good: the origin of what this device writes before it is
  // paired (replaced by device_id at pairing, docs/sync.md).
  std::string local_id;
  std::int64_t events_after = 0;  // the last server event applied here
  bool paired() const { return !token.empty(); }
};

std::string to_json(const DeviceLink& link);
// nullopt for text that is not a link (a damaged file is treated as "not paired").
std::optional<DeviceLink> device_link_from_json(const std::string& text);

}  // namespace quittance::sync
