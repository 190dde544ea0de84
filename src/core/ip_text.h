// IP address text, the one reader of it for the whole project (event fields,
// GeoIP lookups, intel matching, the sanitizer). Dotted quads and hex-only
// IPv6 are read by hand: every event carries addresses, and inet_pton needs a
// NUL-terminated copy and a call per character; it is left the rarer IPv6
// forms (embedded dotted quad, zone), through the same functions.
#pragma once

#include <cstddef>
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

// 128 bits, the first group in the high bits.
using Ipv6Bits = unsigned __int128;

// Any IPv6 text inet_pton reads, read as it reads it.
std::optional<Ipv6Bits> parse_ipv6(std::string_view s);

// An IPv4 address in the low 32 bits, or an IPv6 one. Kept as two words:
// parse_ip writes them with two 8-byte stores, and a caller copying a 128-bit
// member reads it with one 16-byte load, which cannot be forwarded from them
// and waits for both stores to reach the cache (IPv6 lookups ran 12 % slower).
struct IpBits {
  bool v6 = false;
  uint64_t high = 0, low = 0;

  IpBits() = default;
  IpBits(bool is_v6, Ipv6Bits value)
      : v6(is_v6), high(static_cast<uint64_t>(value >> 64)), low(static_cast<uint64_t>(value)) {}
  Ipv6Bits bits() const { return Ipv6Bits{high} << 64 | low; }
};

// Address text as inet_ntop writes it, by hand (inet_ntop formats every IPv6
// group with sprintf: ~2 k instructions an address, paid by the sanitizer on
// each IPv6 address it anonymizes). The IPv4 form is a dotted quad; the IPv6
// one RFC 5952's: lowercase hex without leading zeros, the first longest run
// of two or more zero groups as "::", and ::ffff:a.b.c.d or ::a.b.c.d with a
// dotted quad. Both write at `out`, which has room for kMaxIpText bytes, and
// return the end of the text (no terminator).
inline constexpr size_t kMaxIpText = 46;  // INET6_ADDRSTRLEN
char* write_ipv4_text(uint32_t address, char* out);
char* write_ipv6_text(Ipv6Bits address, char* out);

// Strict numeric forms only (a dotted quad without leading zeros, any IPv6
// form), so a host name or "1.2.3" is never taken for an address. IPv4-mapped
// IPv6 (::ffff:a.b.c.d) becomes the IPv4 address: it names the same host, and
// not every database maps that range onto its IPv4 tree.
std::optional<IpBits> parse_ip(std::string_view s);

}  // namespace vigil
