// The device link's file format. See device_link.h.
#include "sync/device_link.h"
#include "app/bounded_json.h"

#include <nlohmann/json.hpp>

namespace quittance::sync {

std::string to_json(const DeviceLink& link) {
  return nlohmann::json{{"version", 1},
                        {"server_url", link.server_url},
                        {"clinic_id", link.clinic_id},
                        {"clinic_name", link.clinic_name},
                        {"device_id", link.device_id},
                        {"device_name", link.device_name},
                        {"token", link.token},
                        {"series", link.series},
                        {"local_id", link.local_id},
                        {"events_after", link.events_after}}
      .dump();
}

std::optional<DeviceLink> device_link_from_json(const std::string& text) {
  const nlohmann::json j = app::parse_bounded_json_or_discarded(text);
  if (!j.is_object() || j.value("version", 0) != 1) return std::nullopt;
  try {
    DeviceLink link;
    link.server_url = j.value("server_url", "");
    link.clinic_id = j.value("clinic_id", "");
    link.clinic_name = j.value("clinic_name", "");
    link.device_id = j.value("device_id", "");
    link.device_name = j.value("device_name", "");
    link.token = j.value("token", "");
    link.series = j.value("series", "");
    link.local_id = j.value("local_id", "");
    link.events_after = j.value("events_after", std::int64_t{0});
    return link;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a member of the wrong type
  }
}

}  // namespace quittance::sync
