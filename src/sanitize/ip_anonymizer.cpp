#include "sanitize/ip_anonymizer.h"

#include "core/ip_text.h"

namespace vigil::sanitize_detail {
namespace {

uint32_t v4_mask(int prefix) {
  return prefix == 0 ? 0u : ~uint32_t{0} << (32 - prefix);
}

// The top `keep` bits of an address set, the rest clear.
Ipv6Bits v6_mask(int keep) {
  return keep == 0 ? Ipv6Bits{0} : ~Ipv6Bits{0} << (128 - keep);
}

}  // namespace

Result<IpAnonymizer> IpAnonymizer::create(int ipv4_prefix, int ipv6_prefix) {
  if (ipv4_prefix < 0 || ipv4_prefix > 32) {
    return make_error(ErrorCode::kConfig, "sanitize.ipv4_prefix must be 0..32");
  }
  if (ipv6_prefix < 0 || ipv6_prefix > 128) {
    return make_error(ErrorCode::kConfig, "sanitize.ipv6_prefix must be 0..128");
  }
  return IpAnonymizer(ipv4_prefix, ipv6_prefix);
}

bool IpAnonymizer::append(std::string_view ip, std::string& out) const {
  return append_v4(ip, out) || append_v6(ip, out);
}

std::string IpAnonymizer::anonymize(std::string_view ip) const {
  std::string out;
  if (!append(ip, out)) out.assign(ip);
  return out;
}

bool IpAnonymizer::append_v4(std::string_view ip, std::string& out) const {
  const auto addr = parse_dotted_quad(ip, LeadingZeros::kAccept);
  if (!addr) return false;
  char text[kMaxIpText];
  out.append(text, write_ipv4_text(*addr & v4_mask(v4_prefix_), text));
  return true;
}

bool IpAnonymizer::append_v6(std::string_view ip, std::string& out) const {
  const auto bits = parse_ipv6(ip);
  if (!bits) return false;
  // ::ffff:a.b.c.d carries an IPv4 address; it gets the IPv4 prefix.
  const bool v4_mapped = (*bits >> 32) == 0xffff;
  const int keep = v4_mapped ? 96 + v4_prefix_ : v6_prefix_;
  char text[kMaxIpText];
  out.append(text, write_ipv6_text(*bits & v6_mask(keep), text));
  return true;
}

}  // namespace vigil::sanitize_detail
