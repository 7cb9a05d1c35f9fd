// Which clinic a payment link (/pay/<token>) belongs to (table pay_links, docs/payment_requests.md).
// A request is made on a device, as an operation of the clinic's books; the server learns its
// link when the operation reaches the log (a push, an import) and keeps only the token's SHA-256,
// so that its database holds no working link. The page's API looks the clinic up by that hash,
// then asks the clinic's books (sync/snapshots.h) for the request itself.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/sql.h"

namespace quittance::server {

// The operations that carry a request's token in their body.
bool makes_pay_link(std::string_view op_name);

// The lookup key of a token: its SHA-256, lower-case hex.
std::string pay_link_hash(std::string_view token);

// Records the link of each operation (as op_log stores them: {name, body, ...}) that makes one
// with a well-formed token. A token already known keeps its first clinic. Run inside the
// transaction that appends the operations.
void index_pay_links(Sql& db, const std::string& clinic_id, const std::vector<nlohmann::json>& ops,
                     const std::string& now);

// The clinic of a token, or nullopt when it is not one (bad form) or not known here.
std::optional<std::string> find_pay_link(Sql& db, std::string_view token);

}  // namespace quittance::server
