// Fresh command ids (random UUIDs, version 4) for commands born in this process: the
// interface's. Random, not sequential, because two offline devices must never pick the same.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace quittance::app {

std::string new_command_id();
// The rule every command id meets, wherever one arrives (the command layer, a pulled
// operation, a card request to the server): 1 to 64 letters, digits, '-' or '_'.
bool valid_command_id(std::string_view id);
// A payment link's secret (payment_request.create's `token`): 32 bytes straight from the OS's
// (or the browser's crypto) generator, as 43 characters of base64url. Not from the engine of
// new_command_id, whose outputs would let one link's holder compute the next.
std::string new_link_token();
// Formats 128 random bits as a version-4 UUID (the version and variant bits are set here).
std::string format_uuid_v4(std::uint64_t hi, std::uint64_t lo);

}  // namespace quittance::app
