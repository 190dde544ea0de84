#include "sanitize/ip_anonymizer.h"

#include <array>

#include "core/ip_text.h"

namespace vigil::sanitize_detail {
namespace {

uint32_t v4_mask(int prefix) {
  return prefix == 0 ? 0u : ~uint32_t{0} << (32 - prefix);
}

// ::ffff:a.b.c.d carries an IPv4 address; it gets the IPv4 prefix.
bool is_v4_mapped(const std::array<unsigned char, 16>& b) {
  for (size_t i = 0; i < 10; ++i) {
    if (b[i] != 0) return false;
  }
  return b[10] == 0xff && b[11] == 0xff;
}

void mask_bits(std::array<unsigned char, 16>& b, size_t first_byte, int keep_bits) {
  for (size_t i = first_byte; i < b.size(); ++i) {
    const int bit = static_cast<int>(i - first_byte) * 8;
    if (bit >= keep_bits) {
      b[i] = 0;
    } else if (keep_bits - bit < 8) {
      b[i] &= static_cast<unsigned char>(0xff << (8 - (keep_bits - bit)));
    }
  }
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
  std::array<unsigned char, 16> bytes;
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<unsigned char>(*bits >> (8 * (bytes.size() - 1 - i)));
  }
  if (is_v4_mapped(bytes)) {
    mask_bits(bytes, 12, v4_prefix_);
  } else {
    mask_bits(bytes, 0, v6_prefix_);
  }
  Ipv6Bits masked = 0;
  for (const unsigned char b : bytes) masked = masked << 8 | b;
  char text[kMaxIpText];
  out.append(text, write_ipv6_text(masked, text));
  return true;
}

}  // namespace vigil::sanitize_detail
