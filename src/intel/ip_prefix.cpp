#include "intel/ip_prefix.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>

#include "core/ipv4_text.h"
#include "core/strings.h"
#include "enrich/ip_address.h"

namespace vigil::intel {

Bits128 prefix_mask(bool v6, int length) {
  const int width = v6 ? 128 : 32;
  if (length <= 0) return 0;
  const Bits128 all = v6 ? ~Bits128{0} : Bits128{0xffffffffu};
  return (all << (width - length)) & all;
}

namespace {

// IPv6 text made of hex groups only (no embedded dotted quad, no zone) as
// inet_pton reads it: up to eight groups of one to four hex digits, at most
// one "::" standing for at least one zero group. nullopt for anything else,
// including every form it does not handle: the caller then asks inet_pton,
// which costs ~900 instructions and a copy for the common forms.
std::optional<Bits128> parse_hex_ipv6(std::string_view s) {
  uint16_t groups[8];
  int n = 0, gap = -1;  // gap: the number of groups before "::"
  size_t i = 0;
  if (s.starts_with("::")) {
    gap = 0;
    i = 2;
  }
  while (i < s.size()) {
    uint32_t value = 0;
    size_t digits = 0;
    for (int h; i < s.size() && (h = hex_digit_value(s[i])) >= 0 && digits <= 4; ++i, ++digits) {
      value = value << 4 | static_cast<uint32_t>(h);
    }
    if (digits == 0 || digits > 4 || n == 8) return std::nullopt;
    groups[n++] = static_cast<uint16_t>(value);
    if (i == s.size()) break;
    if (s[i] != ':' || ++i == s.size()) return std::nullopt;  // a dot, a zone, a trailing ':'
    if (s[i] == ':') {
      if (gap >= 0) return std::nullopt;
      gap = n;
      ++i;
    }
  }
  if (gap < 0 ? n != 8 : n > 7) return std::nullopt;
  Bits128 bits = 0;
  for (int k = 0; k <= n; ++k) {
    if (k == gap && n > 0) bits <<= 16 * (8 - n);  // "::" alone is all zeros
    if (k < n) bits = bits << 16 | groups[k];
  }
  return bits;
}

// The address part of IpPrefix::parse, for text with a '/' or a ':' (a bare
// dotted quad, and a host name, which event matching tries as an IP first in
// every domain field, are settled before, without inet_pton and its copy).
// Without a ':' only a dotted quad can be an address, as for IpAddress::parse.
std::optional<IpPrefix> parse_address(std::string_view address) {
  IpPrefix p;
  if (address.find(':') == std::string_view::npos) {
    const auto quad = parse_dotted_quad(address, LeadingZeros::kRefuse);
    if (!quad) return std::nullopt;
    p.bits = *quad;
    p.length = 32;
    return p;
  }
  if (const auto bits = parse_hex_ipv6(address)) {
    // ::ffff:a.b.c.d written in hex is IPv4 to IpAddress::parse too.
    p.v6 = (*bits >> 32) != 0xffff;
    p.bits = p.v6 ? *bits : *bits & 0xffffffffu;
    p.length = p.max_length();
    return p;
  }
  const auto ip = IpAddress::parse(address);
  if (!ip) return std::nullopt;
  p.v6 = ip->v6;
  const int bytes = p.v6 ? 16 : 4;
  for (int i = 0; i < bytes; ++i) p.bits = (p.bits << 8) | ip->bytes[i];
  p.length = p.max_length();
  return p;
}

}  // namespace

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
  // The common case, an IPv4 address, in one pass over the text (three
  // before: the searches for '/' and ':', then the reading).
  if (const auto quad = parse_dotted_quad(text, LeadingZeros::kRefuse)) {
    return IpPrefix{false, *quad, 32};
  }
  const size_t slash = text.find('/');
  // Without a '/' or a ':' the text was a dotted quad or nothing.
  if (slash == std::string_view::npos && text.find(':') == std::string_view::npos) {
    return std::nullopt;
  }
  auto parsed = parse_address(text.substr(0, slash));
  if (!parsed) return std::nullopt;
  IpPrefix& p = *parsed;
  if (slash != std::string_view::npos) {
    const std::string_view len = text.substr(slash + 1);
    int n = -1;
    auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), n);
    if (ec != std::errc() || end != len.data() + len.size() || n < 0 || n > p.max_length()) {
      return std::nullopt;
    }
    p.length = n;
  }
  p.bits &= prefix_mask(p.v6, p.length);
  return p;
}

size_t IpPrefix::format(char* out) const {
  unsigned char bytes[16] = {};
  const int n = v6 ? 16 : 4;
  for (int i = 0; i < n; ++i) bytes[i] = static_cast<unsigned char>(bits >> (8 * (n - 1 - i)));
  static_assert(kMaxText >= INET6_ADDRSTRLEN + 4);
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, out, INET6_ADDRSTRLEN);
  size_t len = std::strlen(out);
  if (!is_host()) {
    out[len++] = '/';
    if (length >= 100) out[len++] = static_cast<char>('0' + length / 100);
    if (length >= 10) out[len++] = static_cast<char>('0' + length / 10 % 10);
    out[len++] = static_cast<char>('0' + length % 10);
  }
  return len;
}

std::string IpPrefix::to_string() const {
  char buf[kMaxText];
  return std::string(buf, format(buf));
}

bool IpPrefix::contains(const IpPrefix& address) const {
  return v6 == address.v6 && length <= address.length &&
         (address.bits & prefix_mask(v6, length)) == bits;
}

}  // namespace vigil::intel
