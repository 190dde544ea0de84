#include "enrich/ip_address.h"

#include "core/ip_text.h"

namespace vigil {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  const auto ip = parse_ip(text);
  if (!ip) return std::nullopt;
  IpAddress address;
  address.v6 = ip->v6;
  const size_t bytes = ip->v6 ? 16 : 4;
  for (size_t i = 0; i < bytes; ++i) {
    address.bytes[i] = static_cast<uint8_t>(ip->bits() >> (8 * (bytes - 1 - i)));
  }
  return address;
}

}  // namespace vigil
