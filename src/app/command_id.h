// Fresh command ids (random UUIDs, version 4) for commands born in this process: the
// interface's. Random, not sequential, because two offline devices must never pick the same.
#pragma once
#include <cstdint>
#include <string>

namespace quittance::app {

std::string new_command_id();
// Formats 128 random bits as a version-4 UUID (the version and variant bits are set here).
std::string format_uuid_v4(std::uint64_t hi, std::uint64_t lo);

}  // namespace quittance::app
