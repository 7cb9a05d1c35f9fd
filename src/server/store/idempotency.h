// Idempotent payment routes: each request carries the app's command id, and a finished
// request's answer is kept, so that a retry with the same id and arguments gets the same
// answer and nothing happens twice (Stripe is not even called). The same id with other
// arguments is refused: it is a bug in the caller, and guessing would risk a wrong charge.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "server/store/sql.h"

namespace quittance::server {

struct StoredAnswer {
  int status;
  nlohmann::json body;
};

enum class RequestState {
  fresh,        // first time: recorded as unfinished; go ahead
  unfinished,   // seen before, no final answer (a crash, a network cut): go ahead again,
                // with the same Idempotency-Key, and Stripe tells the outcome
  finished,     // `answer` holds the answer to give again
  conflicting,  // the id was used with other arguments (or on another route)
};

struct RequestCheck {
  RequestState state;
  std::optional<StoredAnswer> answer;
};

// Looks the command up and records it when fresh. `request` is compared by its JSON dump,
// which nlohmann/json gives with sorted keys.
RequestCheck begin_request(Sql& db, const std::string& clinic_id, const std::string& command_id,
                           const std::string& route, const nlohmann::json& request, std::int64_t now);

// Keeps the final answer. Not for transient failures (Stripe unreachable), which a retry
// must be allowed to redo.
void finish_request(Sql& db, const std::string& clinic_id, const std::string& command_id,
                    const StoredAnswer& answer);

// The arguments a command was first sent with, if it was.
std::optional<nlohmann::json> find_request(Sql& db, const std::string& clinic_id,
                                           const std::string& command_id);

}  // namespace quittance::server
