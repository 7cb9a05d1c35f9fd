// Reading members of JSON the server did not write and checks elsewhere (Stripe's objects, the
// books' answers): a member missing or of another type reads as "" or 0, never throws.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace quittance::server::lenient {

inline std::string text(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

inline std::int64_t integer(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return 0;
  auto it = object.find(name);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

}  // namespace quittance::server::lenient
