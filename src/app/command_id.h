// Fresh command ids (random UUIDs, version 4) for commands born in this process: the
// interface's. Random, not sequential, because two offline devices must never pick the same.
#pragma once
#include <string>

namespace quittance::app {

std::string new_command_id();

}  // namespace quittance::app
