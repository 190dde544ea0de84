#include "enrich/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "core/ipv4_text.h"

namespace vigil {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // IPv4 without inet_pton's copy; it reads exactly what inet_pton reads
  // (IpAddressParse.*), so inet_pton is left the IPv6 forms.
  if (const auto v4 = parse_dotted_quad(text, LeadingZeros::kRefuse)) {
    IpAddress quad;
    for (int i = 0; i < 4; ++i)
      quad.bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(*v4 >> (24 - 8 * i));
    return quad;
  }
  // INET6_ADDRSTRLEN covers the longest textual form; longer is no address.
  char buf[INET6_ADDRSTRLEN];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress ip;
  if (inet_pton(AF_INET6, buf, ip.bytes.data()) != 1) return std::nullopt;
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(std::begin(kMappedPrefix), std::end(kMappedPrefix), ip.bytes.begin())) {
    std::copy(ip.bytes.begin() + 12, ip.bytes.end(), ip.bytes.begin());
    std::fill(ip.bytes.begin() + 4, ip.bytes.end(), 0);
    return ip;
  }
  ip.v6 = true;
  return ip;
}

}  // namespace vigil
