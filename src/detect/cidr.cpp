#include "detect/cidr.h"

#include <charconv>

#include "core/ip_text.h"

namespace vigil::sigma {
namespace {

// Either family as written: ::ffff:a.b.c.d stays IPv6 and does not fall in
// an IPv4 network, as with Python's ipaddress (pySigma's reading).
bool parse_ip(std::string_view text, std::array<uint8_t, 16>& out, bool& v6) {
  out.fill(0);
  if (const auto quad = parse_dotted_quad(text, LeadingZeros::kRefuse)) {
    v6 = false;
    for (size_t i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(*quad >> (24 - 8 * i));
    return true;
  }
  const auto bits = parse_ipv6(text);
  if (!bits) return false;
  v6 = true;
  for (size_t i = 0; i < 16; ++i) out[i] = static_cast<uint8_t>(*bits >> (120 - 8 * i));
  return true;
}

bool prefix_equal(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  int i = 0;
  for (; bits >= 8; bits -= 8, ++i) {
    if (a[i] != b[i]) return false;
  }
  if (bits == 0) return true;
  const auto mask = static_cast<uint8_t>(0xFF << (8 - bits));
  return (a[i] & mask) == (b[i] & mask);
}

}  // namespace

std::optional<Cidr> Cidr::parse(std::string_view text) {
  Cidr c;
  const auto slash = text.find('/');
  if (!parse_ip(text.substr(0, slash), c.net_, c.v6_)) return std::nullopt;
  const int max_bits = c.v6_ ? 128 : 32;
  c.bits_ = max_bits;
  if (slash != std::string_view::npos) {
    const auto bits = text.substr(slash + 1);
    const auto [p, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), c.bits_);
    if (ec != std::errc() || p != bits.data() + bits.size() || c.bits_ < 0 || c.bits_ > max_bits) {
      return std::nullopt;
    }
  }
  return c;
}

bool Cidr::contains(std::string_view ip) const {
  std::array<uint8_t, 16> addr{};
  bool v6 = false;
  if (ip.size() > 64 || !parse_ip(ip, addr, v6) || v6 != v6_) return false;
  return prefix_equal(addr, net_, bits_);
}

}  // namespace vigil::sigma
