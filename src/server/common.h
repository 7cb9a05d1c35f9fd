// What every part of quittance-server shares: its clock, the limits on what a request may
// carry, and the JSON error body of the /api/ namespace. Lower files include this, never
// routes.h (which assembles the server from them).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace quittance::server {

using Json = nlohmann::json;

// The JSON error body of the /api/ namespace: {"ok":false,"error":{"code":...,"message":...}}.
Json api_error(const std::string& code, const std::string& message);

// The time, in Unix seconds, as the server sees it: pairing codes expire and webhook
// timestamps are checked against it. The tests move it.
using Clock = std::function<std::int64_t()>;
std::int64_t system_now();

// Request bodies. httplib refuses a larger Content-Length with 413 before reading it; that
// limit is the webhook's, since a Stripe event with many lines can be large. The app's JSON
// routes take far less and refuse more than kMaxJsonBody themselves.
inline constexpr std::size_t kMaxRequestBody = 1024 * 1024;
inline constexpr std::size_t kMaxJsonBody = 64 * 1024;
// The request path as it may be logged: no payment link token, no control character.
std::string loggable_path(std::string_view path);

// A client that sends nothing (or takes nothing) for this long is cut off.
inline constexpr int kReadTimeoutSeconds = 10;
inline constexpr int kWriteTimeoutSeconds = 10;

}  // namespace quittance::server
