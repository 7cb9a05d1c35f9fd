// What the server checks of an operation before it gives it a place in a clinic's log, and
// what every replica checks again before applying one (docs/sync.md, « Validated at the door »).
// A device can send anything: an operation the books could not apply would either stop every
// replica before it or be applied differently by different versions. These checks are pure
// (no database): the same operation gets the same answer on the server and on every device.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "core/roles.h"

namespace quittance::app {

struct OpRefusal {
  std::string code;     // "" when the operation passes
  std::string message;  // for the practitioner: what is wrong with it
  bool ok() const { return code.empty(); }
};

// The operation is one this version can apply: a command that writes; `day` a real date and
// `at` an instant (YYYY-MM-DDTHH:MM:SS[.fff]Z); `body` a JSON object within the depth bound
// whose "cmd" is the operation's name and whose "id" is its id. `parsed`, if given, receives
// the body. Codes: unknown_operation (a name this version does not know), malformed_operation.
OpRefusal check_op_shape(const Op& op, nlohmann::json* parsed = nullptr);

// The operation's command is within what `ceiling` may do (for settings.set, the setting's
// own permission). `body` is the parsed body of an operation that passed check_op_shape.
OpRefusal check_op_role(const Op& op, const nlohmann::json& body, core::Role ceiling);

}  // namespace quittance::app
