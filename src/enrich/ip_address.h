// An IP address parsed from an event field, ready for a database lookup.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // the first 4 for IPv4

  // Strict numeric forms only (what inet_pton accepts: dotted quad, RFC 4291
  // IPv6) so a host name or "1.2.3" is never taken for an address.
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes the IPv4 address: it names the
  // same host, and not every database maps that range onto its IPv4 tree.
  static std::optional<IpAddress> parse(std::string_view text);
};

}  // namespace vigil
