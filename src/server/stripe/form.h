// Stripe's request bodies: application/x-www-form-urlencoded, nested fields in brackets
// ("metadata[invoice_id]=...", "expand[]=latest_charge"). Kept as an ordered list of pairs
// so that a body is byte-for-byte the same on a retry: Stripe compares the parameters of an
// idempotent retry with the first request's.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quittance::server {

using FormParams = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes everything but RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(std::string_view s);

// "k1=v1&k2=v2", keys and values percent-encoded (brackets too, as Stripe's libraries do).
std::string form_encode(const FormParams& params);

}  // namespace quittance::server
