// Request fields. See http/body_fields.h.
#include "server/http/body_fields.h"

namespace quittance::server {

void RequestFields::fail(const char* name, const std::string& why) {
  if (!error_.empty()) return;  // the first error is the one reported
  field_ = name;
  error_ = std::string("\"") + name + "\" " + why;
}

std::string RequestFields::optional_text(const char* name, std::size_t max_bytes) {
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) return "";
  if (!it->is_string()) {
    fail(name, "must be a string");
    return "";
  }
  std::string value = it->get<std::string>();
  if (value.size() > max_bytes) fail(name, "is longer than " + std::to_string(max_bytes) + " bytes");
  return value;
}

std::string RequestFields::text(const char* name, std::size_t max_bytes) {
  if (body_.find(name) == body_.end()) {
    fail(name, "is missing");
    return "";
  }
  std::string value = optional_text(name, max_bytes);
  if (value.empty()) fail(name, "must be a non-empty string");
  return value;
}

std::int64_t RequestFields::optional_integer(const char* name, std::int64_t min, std::int64_t max,
                                             std::int64_t fallback) {
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) return fallback;
  // Integers only: 45.5 or "4550" is a bug in the caller, not an amount to guess.
  if (!it->is_number_integer()) {
    fail(name, "must be an integer");
    return fallback;
  }
  const std::int64_t value = it->get<std::int64_t>();
  if (value < min || value > max) {
    fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return fallback;
  }
  return value;
}

std::int64_t RequestFields::integer(const char* name, std::int64_t min, std::int64_t max) {
  if (body_.find(name) == body_.end()) {
    fail(name, "is missing");
    return 0;
  }
  return optional_integer(name, min, max, 0);
}

std::string RequestFields::iso_date(const char* name) {
  std::string value = text(name, 10);
  bool shaped = value.size() == 10 && value[4] == '-' && value[7] == '-';
  for (std::size_t i = 0; shaped && i < value.size(); ++i)
    if (i != 4 && i != 7 && (value[i] < '0' || value[i] > '9')) shaped = false;
  if (ok() && !shaped) fail(name, "must be a date YYYY-MM-DD");
  return value;
}

}  // namespace quittance::server
