// A command refused: a stable code the interface translates ("error.<code>" in assets/i18n),
// a message for developers, and the argument at fault if there is one. Thrown inside a
// handler, caught at the command layer's edge, where the transaction is rolled back: a refused
// command changes nothing.
#pragma once
#include <string>

namespace quittance::app {

struct CommandError {
  std::string code;     // e.g. "allocation_exceeds_due"
  std::string message;  // English, for logs and developers
  std::string field;    // the argument at fault, or ""
};

[[noreturn]] inline void refuse(std::string code, std::string message, std::string field = "") {
  throw CommandError{std::move(code), std::move(message), std::move(field)};
}

}  // namespace quittance::app
