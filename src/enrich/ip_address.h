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

  // What core's parse_ip reads (the project's one reader of IP text): a
  // dotted quad or any IPv6 form, IPv4-mapped IPv6 as IPv4; never a host name.
  static std::optional<IpAddress> parse(std::string_view text);
};

}  // namespace vigil
