// An IP address or CIDR range as 128 bits (IPv4 in the low 32 of its own
// family, never mixed with IPv6) plus a prefix length: the key of the CIDR
// table and of the allowlist.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::intel {

using Bits128 = unsigned __int128;

struct IpPrefix {
  bool v6 = false;
  Bits128 bits = 0;  // host bits cleared
  int length = 0;    // 0..32 or 0..128

  int max_length() const { return v6 ? 128 : 32; }
  bool is_host() const { return length == max_length(); }

  // "1.2.3.4", "2001:db8::1", "10.0.0.0/8", "2001:db8::/32"; host bits are cleared.
  static std::optional<IpPrefix> parse(std::string_view text);
  // "10.0.0.0/8"; a full-length prefix prints as the bare address.
  std::string to_string() const;
  // The same into `out` (kMaxText bytes), without allocating; the text's length.
  static constexpr size_t kMaxText = 64;
  size_t format(char* out) const;
  bool contains(const IpPrefix& address) const;
  auto operator<=>(const IpPrefix&) const = default;
};

Bits128 prefix_mask(bool v6, int length);

}  // namespace vigil::intel
