#include "core/ip_text.h"

#include <arpa/inet.h>

#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/strings.h"

namespace vigil {
namespace {

// The reader takes the text as sixteen bytes at once and has no branch on
// what they are until it knows the answer: the loop it replaced stopped at
// each octet's end, and on random addresses (octets of 1, 2 or 3 digits) those
// exits mispredicted, which cost more than the rest of the reading. Each byte
// is classified (dot, digit, '0') and valued as if it ended an octet; bit
// masks of the classes then check the shape and name the four octets' ends.

uint64_t little_endian(uint64_t x) {
  if constexpr (std::endian::native == std::endian::big) return __builtin_bswap64(x);
  return x;
}

// `bytes` (at most 8) bytes from p, the first in the low byte, zeros above.
uint64_t load_little(const char* p, size_t bytes) {
  uint64_t x = 0;
  std::memcpy(&x, p, bytes);
  return little_endian(x);
}

// The text (7..15 bytes) as sixteen bytes in two little-endian words, zeros
// after its end, read with fixed-size loads that stay inside it: two 8-byte
// reads that overlap, the second shifted into place (two 4-byte ones for 7).
// Kept in registers: a 16-byte load of a copy written as two 8-byte stores
// waits for the stores to retire (no store-to-load forwarding), which
// doubled the reader's time when it did that.
struct Text {
  uint64_t low = 0, high = 0;

  explicit Text(std::string_view s) {
    const size_t n = s.size();
    if (n >= 8) {
      low = load_little(s.data(), 8);
      if (n > 8) high = load_little(s.data() + n - 8, 8) >> (8 * (16 - n));
    } else {
      low = load_little(s.data(), 4) | load_little(s.data() + n - 4, 4) << (8 * (n - 4));
    }
  }
  unsigned char byte(unsigned i) const {
    return static_cast<unsigned char>((i < 8 ? low : high) >> (8 * (i % 8)));
  }
};

// Per byte i of the text: bit i of the masks, and the value of the octet
// that would end at i (the digit, plus ten times the digit before it if that
// is one, plus a hundred times the one before that if both are).
struct Lanes {
  unsigned dots = 0, digits = 0, zeros = 0;
  unsigned over_255 = 0;  // the value would not fit an octet
  alignas(16) uint8_t values[16] = {};
};

#if defined(__SSE2__)
Lanes read_lanes(const Text& t) {
  const __m128i v = _mm_set_epi64x(static_cast<long long>(little_endian(t.high)),
                                   static_cast<long long>(little_endian(t.low)));
  const auto bytes = [](char c) { return _mm_set1_epi8(c); };
  const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, bytes('0' - 1)),  // 0x80+ are negative
                                      _mm_cmplt_epi8(v, bytes('9' + 1)));
  Lanes l;
  l.dots = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, bytes('.'))));
  l.digits = static_cast<unsigned>(_mm_movemask_epi8(digit));
  l.zeros = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, bytes('0'))));
  // Digit values (0..9 in the digits' lanes), and those of the byte before
  // (tens) and the one before that (hundreds), zero unless they are digits
  // of the same run.
  const __m128i ones = _mm_and_si128(_mm_xor_si128(v, bytes('0')), digit);
  const __m128i tens = _mm_slli_si128(ones, 1);
  const __m128i hundreds = _mm_and_si128(_mm_slli_si128(ones, 2), _mm_slli_si128(digit, 1));
  const __m128i tens2 = _mm_add_epi8(tens, tens);
  const __m128i tens8 = _mm_add_epi8(_mm_add_epi8(tens2, tens2), _mm_add_epi8(tens2, tens2));
  const __m128i below_100 = _mm_add_epi8(_mm_add_epi8(tens8, tens2), ones);  // at most 99
  // 100 or 200 for a hundreds digit of 1 or 2; 3..9 are over 255 anyway.
  const __m128i hundred = _mm_or_si128(
      _mm_and_si128(_mm_cmpeq_epi8(hundreds, bytes(1)), bytes(100)),
      _mm_and_si128(_mm_cmpeq_epi8(hundreds, bytes(2)), bytes(static_cast<char>(200))));
  const __m128i over = _mm_or_si128(
      _mm_cmpgt_epi8(hundreds, bytes(2)),
      _mm_and_si128(_mm_cmpeq_epi8(hundreds, bytes(2)), _mm_cmpgt_epi8(below_100, bytes(55))));
  l.over_255 = static_cast<unsigned>(_mm_movemask_epi8(over));
  _mm_store_si128(reinterpret_cast<__m128i*>(l.values), _mm_add_epi8(below_100, hundred));
  return l;
}
#else
Lanes read_lanes(const Text& t) {
  Lanes l;
  unsigned before = 0, before_that = 0;  // digit values of the previous bytes, 0 for others
  bool digit_before = false;
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned char b = t.byte(i);
    const bool digit = b >= '0' && b <= '9';
    l.dots |= static_cast<unsigned>(b == '.') << i;
    l.digits |= static_cast<unsigned>(digit) << i;
    l.zeros |= static_cast<unsigned>(b == '0') << i;
    const unsigned one = digit ? b - '0' : 0;
    const unsigned value = one + 10 * before + (digit_before ? 100 * before_that : 0);
    l.over_255 |= static_cast<unsigned>(value > 255) << i;
    l.values[i] = static_cast<uint8_t>(value);
    before_that = before;
    before = one;
    digit_before = digit;
  }
  return l;
}
#endif

// IPv6 text made of hex groups only (no embedded dotted quad, no zone) as
// inet_pton reads it: up to eight groups of one to four hex digits, at most
// one "::" standing for at least one zero group. nullopt for anything else,
// including every form it does not handle: parse_ipv6 then asks inet_pton,
// which costs ~900 instructions and a copy for the common forms.
std::optional<Ipv6Bits> parse_hex_ipv6(std::string_view s) {
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
  Ipv6Bits bits = 0;
  for (int k = 0; k <= n; ++k) {
    if (k == gap && n > 0) bits <<= 16 * (8 - n);  // "::" alone is all zeros
    if (k < n) bits = bits << 16 | groups[k];
  }
  return bits;
}

std::optional<Ipv6Bits> inet_pton6(std::string_view s) {
  // INET6_ADDRSTRLEN covers the longest textual form; longer is no address.
  char text[INET6_ADDRSTRLEN];
  if (s.empty() || s.size() >= sizeof text) return std::nullopt;
  std::memcpy(text, s.data(), s.size());
  text[s.size()] = '\0';
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, text, bytes) != 1) return std::nullopt;
  Ipv6Bits bits = 0;
  for (const unsigned char b : bytes) bits = bits << 8 | b;
  return bits;
}

}  // namespace

std::optional<uint32_t> parse_dotted_quad(std::string_view s, LeadingZeros leading_zeros) {
  const size_t n = s.size();
  if (n < 7 || n > 15) return std::nullopt;
  const Lanes l = read_lanes(Text(s));
  const unsigned dots = l.dots, digits = l.digits;
  // The shape: only digits and dots; exactly three dots; a digit on both
  // sides of each (no empty octet); no run of four digits. `ends`: each
  // octet's last digit.
  const unsigned from_second = dots & (dots - 1);
  const unsigned from_third = from_second & (from_second - 1);
  const unsigned ends = digits & ~(digits >> 1);
  const unsigned starts = digits & ~(digits << 1);
  const bool malformed = ((dots | digits) != (1u << n) - 1) | (from_third == 0) |
                         ((from_third & (from_third - 1)) != 0) | ((dots & ~(digits << 1)) != 0) |
                         ((dots & ~(digits >> 1)) != 0) |
                         ((digits & digits >> 1 & digits >> 2 & digits >> 3) != 0);
  // A leading zero: a run that starts with '0' and goes on.
  const bool refused_zero =
      leading_zeros == LeadingZeros::kRefuse && (starts & l.zeros & digits >> 1) != 0;
  if (malformed | refused_zero | ((l.over_255 & ends) != 0)) return std::nullopt;
  uint32_t addr = 0;
  for (unsigned rest = ends; rest != 0; rest &= rest - 1) {
    addr = addr << 8 | l.values[std::countr_zero(rest)];
  }
  return addr;
}

std::optional<Ipv6Bits> parse_ipv6(std::string_view s) {
  if (const auto bits = parse_hex_ipv6(s)) return bits;
  return inet_pton6(s);
}

std::optional<IpBits> parse_ip(std::string_view s) {
  if (const auto quad = parse_dotted_quad(s, LeadingZeros::kRefuse)) return IpBits{false, *quad};
  // Without a ':' nothing else is an address (host names end here).
  if (s.find(':') == std::string_view::npos) return std::nullopt;
  const auto bits = parse_ipv6(s);
  if (!bits) return std::nullopt;
  constexpr Ipv6Bits kMappedPrefix = 0xffff;  // ::ffff:0:0/96
  if ((*bits >> 32) == kMappedPrefix) return IpBits{false, *bits & 0xffffffffu};
  return IpBits{true, *bits};
}

char* write_ipv4_text(uint32_t address, char* out) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    const uint32_t octet = (address >> shift) & 0xff;
    if (octet >= 100) *out++ = static_cast<char>('0' + octet / 100);
    if (octet >= 10) *out++ = static_cast<char>('0' + octet / 10 % 10);
    *out++ = static_cast<char>('0' + octet % 10);
    if (shift > 0) *out++ = '.';
  }
  return out;
}

namespace {

struct ZeroRun {
  int base = -1;
  int length = 0;
};

// The first longest run of zero groups, if it is two groups or more (a single
// zero group is written "0", not "::").
ZeroRun longest_zero_run(const uint16_t (&groups)[8]) {
  ZeroRun best, current;
  for (int i = 0; i <= 8; ++i) {
    if (i < 8 && groups[i] == 0) {
      if (current.base < 0) current = {i, 0};
      ++current.length;
    } else if (current.base >= 0) {
      if (current.length > best.length) best = current;
      current = {};
    }
  }
  return best.length >= 2 ? best : ZeroRun{};
}

char* write_hex_group(uint16_t group, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned digit = (group >> shift) & 0xf;
    if (digit == 0 && !started && shift > 0) continue;
    started = true;
    *out++ = kHex[digit];
  }
  return out;
}

}  // namespace

char* write_ipv6_text(Ipv6Bits address, char* out) {
  uint16_t groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = static_cast<uint16_t>(address >> (16 * (7 - i)));
  const ZeroRun zeros = longest_zero_run(groups);
  for (int i = 0; i < 8; ++i) {
    if (zeros.base >= 0 && i >= zeros.base && i < zeros.base + zeros.length) {
      if (i == zeros.base) *out++ = ':';
      continue;
    }
    if (i != 0) *out++ = ':';
    // inet_ntop's embedded IPv4 forms: ::a.b.c.d and ::ffff:a.b.c.d.
    if (i == 6 && zeros.base == 0 &&
        (zeros.length == 6 || (zeros.length == 5 && groups[5] == 0xffff))) {
      return write_ipv4_text(static_cast<uint32_t>(address), out);
    }
    out = write_hex_group(groups[i], out);
  }
  if (zeros.base >= 0 && zeros.base + zeros.length == 8) *out++ = ':';
  return out;
}

}  // namespace vigil
