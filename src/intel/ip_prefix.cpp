#include "intel/ip_prefix.h"

#include <charconv>
#include <cstring>

#include "core/ip_text.h"

namespace vigil::intel {

Bits128 prefix_mask(bool v6, int length) {
  const int width = v6 ? 128 : 32;
  if (length <= 0) return 0;
  const Bits128 all = v6 ? ~Bits128{0} : Bits128{0xffffffffu};
  return (all << (width - length)) & all;
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
  // A bare address, the common case, in one call (a dotted quad in one pass:
  // no search for a '/' first).
  if (const auto address = parse_ip(text)) {
    return IpPrefix{address->v6, address->bits(), address->v6 ? 128 : 32};
  }
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto address = parse_ip(text.substr(0, slash));
  if (!address) return std::nullopt;
  IpPrefix p{address->v6, address->bits(), address->v6 ? 128 : 32};
  const std::string_view len = text.substr(slash + 1);
  int n = -1;
  auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), n);
  if (ec != std::errc() || end != len.data() + len.size() || n < 0 || n > p.max_length()) {
    return std::nullopt;
  }
  p.length = n;
  p.bits &= prefix_mask(p.v6, p.length);
  return p;
}

size_t IpPrefix::format(char* out) const {
  static_assert(kMaxText >= kMaxIpText + 4);
  size_t len = static_cast<size_t>(
      (v6 ? write_ipv6_text(bits, out) : write_ipv4_text(static_cast<uint32_t>(bits), out)) - out);
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
