// Reading a JSON request's fields with one error for the first that is wrong, named, so that
// each route's parsing stays a short list of what it needs.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace quittance::server {

class RequestFields {
 public:
  explicit RequestFields(const nlohmann::json& body) : body_(body) {}

  // A string of 1 to max_bytes bytes (after nothing: ids and codes are not trimmed).
  std::string text(const char* name, std::size_t max_bytes = 64);
  // Like text, but absent or "" gives "".
  std::string optional_text(const char* name, std::size_t max_bytes);
  // An integer in [min, max].
  std::int64_t integer(const char* name, std::int64_t min, std::int64_t max);
  std::int64_t optional_integer(const char* name, std::int64_t min, std::int64_t max, std::int64_t fallback);
  // "YYYY-MM-DD" (shape only; the app sends its own calendar date).
  std::string iso_date(const char* name);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& field() const { return field_; }

 private:
  void fail(const char* name, const std::string& why);
  const nlohmann::json& body_;
  std::string error_, field_;
};

}  // namespace quittance::server
