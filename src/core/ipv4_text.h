// Dotted-quad IPv4 text, read by hand: every event carries addresses, and
// inet_pton needs a NUL-terminated copy and a call per character.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil {

// inet_pton refuses an octet with a leading zero ("01", which some readers
// take as octal); the sanitizer accepts it, since such text may still name a
// real address that must not reach the store.
enum class LeadingZeros { kRefuse, kAccept };

// Four decimal octets of 1-3 digits, each at most 255, joined by dots, and
// nothing else (no sign, space, empty octet or fifth part), as a host-order
// value; nullopt otherwise.
std::optional<uint32_t> parse_dotted_quad(std::string_view s, LeadingZeros leading_zeros);

}  // namespace vigil
