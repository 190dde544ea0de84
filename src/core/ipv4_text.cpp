#include "core/ipv4_text.h"

namespace vigil {

std::optional<uint32_t> parse_dotted_quad(std::string_view s, LeadingZeros leading_zeros) {
  uint32_t addr = 0;
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
    const size_t start = i;
    uint32_t octet = 0;
    while (i < s.size() && i - start < 3 && s[i] >= '0' && s[i] <= '9') {
      octet = octet * 10 + static_cast<uint32_t>(s[i++] - '0');
    }
    const size_t digits = i - start;
    if (digits == 0 || octet > 255) return std::nullopt;
    if (leading_zeros == LeadingZeros::kRefuse && digits > 1 && s[start] == '0')
      return std::nullopt;
    addr = (addr << 8) | octet;
  }
  if (i != s.size()) return std::nullopt;
  return addr;
}

}  // namespace vigil
