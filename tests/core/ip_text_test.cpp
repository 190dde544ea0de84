// The IP text readers sit on the security path (every event's addresses, the
// sanitizer, intel matching): parse_dotted_quad must read exactly the dotted
// quads it always read (the reference is the plain loop it replaced, and, for
// the refused leading zeros, inet_pton itself); parse_ipv6 and parse_ip
// exactly what inet_pton reads.
#include "core/ip_text.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "support/ip_text_samples.h"

namespace vigil {
namespace {

// The reader before session 10, one character at a time: four octets of one
// to three digits, each at most 255, joined by dots, nothing else.
std::optional<uint32_t> reference(std::string_view s, LeadingZeros leading_zeros) {
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

// inet_pton's reading, for text without a NUL (it stops at the first one).
std::optional<uint32_t> inet_pton4(const std::string& s) {
  unsigned char b[4];
  if (inet_pton(AF_INET, s.c_str(), b) != 1) return std::nullopt;
  return uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3];
}

// The text in a heap block of exactly its size, so that the sanitizer build
// catches a read past its end (a std::string's inline buffer would hide it).
std::optional<uint32_t> parse_exact_copy(const std::string& s, LeadingZeros leading_zeros) {
  const auto copy = std::make_unique<char[]>(s.size());
  std::copy(s.begin(), s.end(), copy.get());
  return parse_dotted_quad(std::string_view(copy.get(), s.size()), leading_zeros);
}

void expect_same_as_reference(const std::string& s) {
  for (const auto mode : {LeadingZeros::kRefuse, LeadingZeros::kAccept}) {
    const auto want = reference(s, mode);
    const auto got = parse_exact_copy(s, mode);
    ASSERT_EQ(got.has_value(), want.has_value())
        << "'" << s << "' " << (mode == LeadingZeros::kRefuse ? "refusing" : "accepting")
        << " leading zeros";
    if (want) {
      EXPECT_EQ(*got, *want) << "'" << s << "'";
    }
  }
  if (s.find('\0') == std::string::npos) {
    const auto want = inet_pton4(s);
    const auto got = parse_dotted_quad(s, LeadingZeros::kRefuse);
    ASSERT_EQ(got.has_value(), want.has_value()) << "'" << s << "' against inet_pton";
    if (want) {
      EXPECT_EQ(*got, *want) << "'" << s << "'";
    }
  }
}

TEST(DottedQuad, ReadsValidAddresses) {
  const auto kRefuse = LeadingZeros::kRefuse;
  EXPECT_EQ(parse_dotted_quad("0.0.0.0", kRefuse), 0u);
  EXPECT_EQ(parse_dotted_quad("1.2.3.4", kRefuse), 0x01020304u);
  EXPECT_EQ(parse_dotted_quad("10.0.0.1", kRefuse), 0x0a000001u);
  EXPECT_EQ(parse_dotted_quad("192.168.100.200", kRefuse), 0xc0a864c8u);
  EXPECT_EQ(parse_dotted_quad("255.255.255.255", kRefuse), 0xffffffffu);
  EXPECT_EQ(parse_dotted_quad("100.20.3.255", kRefuse), 0x641403ffu);
}

TEST(DottedQuad, RefusesMalformedText) {
  for (const char* text : {"",
                           "1",
                           "1.2.3",
                           "1.2.3.",
                           "1.2.3.4.",
                           ".1.2.3.4",
                           "1.2.3.4.5",
                           "1..2.3",
                           "1..2.3.4",
                           "1.2..3",
                           "....",
                           "...",
                           "1.2.3.4..",
                           "256.1.1.1",
                           "1.256.1.1",
                           "1.1.1.256",
                           "300.1.1.1",
                           "999.999.999.999",
                           "1234.1.1.1",
                           "1.2.3.1234",
                           "0001.2.3.4",
                           "1.2.3.4x",
                           "1.2.3.4 ",
                           " 1.2.3.4",
                           "+1.2.3.4",
                           "1.+2.3.4",
                           "-1.2.3.4",
                           "1.2.3.-4",
                           "1.2.3.4/24",
                           "1.2.3.4:80",
                           "a.b.c.d",
                           "1.2.3.a",
                           "1,2,3,4",
                           "1.2.3.4\n",
                           "255.255.255.2555",
                           "255.255.255.255.",
                           "1.2.3.4.5.6.7.8",
                           "11.22.33.44.55",
                           "::1",
                           "::ffff:1.2.3.4",
                           "0x1.2.3.4",
                           "1e1.2.3.4",
                           "1.2.3.:",
                           "1.2.3.;",
                           "1.2.3.?",
                           "1.2.3./",
                           "1.2.3.\xb4",
                           "1.2.3.\x80",
                           "1.2.3.\xff",
                           "1.2.3.\x34\x80",
                           "example.com",
                           "1.2.3.4.example"}) {
    for (const auto mode : {LeadingZeros::kRefuse, LeadingZeros::kAccept}) {
      EXPECT_FALSE(parse_exact_copy(text, mode)) << "'" << text << "'";
    }
    expect_same_as_reference(text);
  }
  // A NUL inside the text is a byte like any other, not its end.
  const std::string with_nul("1.2.3.4\0", 8);
  EXPECT_FALSE(parse_exact_copy(with_nul, LeadingZeros::kAccept));
  EXPECT_FALSE(parse_exact_copy(std::string("1.2\0.3.4", 8), LeadingZeros::kAccept));
}

// Leading zeros: refused as inet_pton refuses them (some readers take "010"
// as octal 8), accepted when the caller asks (the sanitizer, which must still
// anonymize text that names an address).
TEST(DottedQuad, LeadingZerosAsTheCallerAsks) {
  for (const char* text : {"01.2.3.4", "1.02.3.4", "1.2.003.4", "1.2.3.04", "00.0.0.0",
                           "001.002.003.004", "010.0.0.1", "1.2.3.00"}) {
    EXPECT_FALSE(parse_exact_copy(text, LeadingZeros::kRefuse)) << text;
    EXPECT_TRUE(parse_exact_copy(text, LeadingZeros::kAccept)) << text;
    expect_same_as_reference(text);
  }
  EXPECT_EQ(parse_dotted_quad("001.002.003.004", LeadingZeros::kAccept), 0x01020304u);
  EXPECT_EQ(parse_dotted_quad("010.0.0.1", LeadingZeros::kAccept), 0x0a000001u);  // not octal
  EXPECT_EQ(parse_dotted_quad("0.0.0.0", LeadingZeros::kRefuse), 0u);  // a lone zero is no lead
}

// Random quads (octets up to 999, leading zeros), quads with one character
// inserted, removed or replaced, and random strings over digits, dots and the
// bytes next to them (':' and '/' border the digits, 0x80+ bytes have a
// digit's low nibble), of every length from 0 to 20.
std::string random_text(std::mt19937_64& rng) {
  static constexpr char kNear[] = "0123456789.../:;?+- x\x80\xb5\xff\x00\x2e\x3e";
  std::string s;
  switch (rng() % 3) {
    case 0:
      for (size_t k = rng() % 21; k > 0; --k) s.push_back(kNear[rng() % (sizeof kNear - 1)]);
      return s;
    case 1:
      for (size_t k = rng() % 21; k > 0; --k) s.push_back("0123456789."[rng() % 11]);
      return s;
    default:
      break;
  }
  const int octets = rng() % 8 == 0 ? 3 + static_cast<int>(rng() % 3) : 4;
  for (int k = 0; k < octets; ++k) {
    if (k > 0) s.push_back('.');
    if (rng() % 8 == 0) s.push_back('0');
    s += std::to_string(rng() % 3 == 0 ? rng() % 1000 : rng() % 256);
  }
  switch (rng() % 8) {
    case 0:
      s.insert(rng() % (s.size() + 1), 1, kNear[rng() % (sizeof kNear - 1)]);
      break;
    case 1:
      s.erase(rng() % s.size(), 1);
      break;
    case 2:
      s[rng() % s.size()] = kNear[rng() % (sizeof kNear - 1)];
      break;
    default:
      break;
  }
  return s;
}

TEST(DottedQuad, AgreesWithTheReferenceOnRandomText) {
  std::mt19937_64 rng(10);
  size_t valid = 0;
  for (int it = 0; it < 2'000'000; ++it) {
    const std::string s = random_text(rng);
    expect_same_as_reference(s);
    if (::testing::Test::HasFatalFailure()) return;
    valid += reference(s, LeadingZeros::kAccept).has_value();
  }
  EXPECT_GT(valid, 100'000u);  // the sample is not all refusals (115 k of 2 M valid)
}

// Every address whose octets are 0, 9, 10, 99, 100, 255 or 256 (each octet
// length, and just past the limit), written plainly and with one leading zero.
TEST(DottedQuad, AgreesWithTheReferenceOnOctetBoundaries) {
  const std::vector<std::string> octets = {"0",   "9",  "10", "99",  "100",  "255",
                                           "256", "00", "09", "010", "0255", "000"};
  for (const auto& a : octets) {
    for (const auto& b : octets) {
      for (const auto& c : octets) {
        for (const auto& d : octets) expect_same_as_reference(a + "." + b + "." + c + "." + d);
      }
    }
  }
}

// inet_pton's IPv6 reading as 128 bits.
std::optional<Ipv6Bits> inet_pton6(const std::string& s) {
  unsigned char b[16];
  if (inet_pton(AF_INET6, s.c_str(), b) != 1) return std::nullopt;
  Ipv6Bits bits = 0;
  for (const unsigned char byte : b) bits = bits << 8 | byte;
  return bits;
}

TEST(Ipv6Text, AgreesWithInetPton) {
  std::mt19937_64 rng(6);
  size_t valid = 0, valid_with_quad = 0;
  for (int it = 0; it < 500'000; ++it) {
    const std::string s = test::random_ipv6_text(rng);
    const auto want = inet_pton6(s);
    const auto copy = std::make_unique<char[]>(s.size());
    std::copy(s.begin(), s.end(), copy.get());
    const auto got = parse_ipv6(std::string_view(copy.get(), s.size()));
    ASSERT_EQ(got.has_value(), want.has_value()) << "'" << s << "'";
    if (!want) continue;
    ++valid;
    valid_with_quad += s.find('.') != std::string::npos;
    EXPECT_TRUE(*got == *want) << "'" << s << "'";
  }
  EXPECT_GT(valid, 50'000u);           // 92 k of the 500 k
  EXPECT_GT(valid_with_quad, 5'000u);  // inet_pton's forms too, not only the hex reader's
}

TEST(Ipv6Text, ReadsEveryForm) {
  EXPECT_TRUE(parse_ipv6("::") == Ipv6Bits{0});
  EXPECT_TRUE(parse_ipv6("::1") == Ipv6Bits{1});
  EXPECT_TRUE(parse_ipv6("2001:db8::1") == (Ipv6Bits{0x20010db8} << 96 | 1));
  EXPECT_TRUE(parse_ipv6("2001:DB8:0:0:0:0:0:1") == (Ipv6Bits{0x20010db8} << 96 | 1));
  EXPECT_TRUE(parse_ipv6("::ffff:1.2.3.4") == (Ipv6Bits{0xffff} << 32 | 0x01020304));
  for (const char* text :
       {"", ":", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "::g",
        "1.2.3.4", "2001:db8::1 ", " ::1", "::1/64", "fe80::1%"}) {
    EXPECT_FALSE(parse_ipv6(text)) << "'" << text << "'";
  }
}

// parse_ip: dotted quads as parse_dotted_quad reads them (leading zeros
// refused), IPv6 as inet_pton, ::ffff:a.b.c.d (in either notation) as IPv4.
TEST(IpText, ReadsBothFamiliesAndMapsIpv4MappedToIpv4) {
  const auto v4 = parse_ip("81.2.69.142");
  ASSERT_TRUE(v4);
  EXPECT_FALSE(v4->v6);
  EXPECT_TRUE(v4->bits() == 0x510245 * Ipv6Bits{256} + 142);
  for (const char* mapped :
       {"::ffff:81.2.69.142", "::ffff:5102:458e", "0:0:0:0:0:ffff:5102:458e"}) {
    const auto ip = parse_ip(mapped);
    ASSERT_TRUE(ip) << mapped;
    EXPECT_FALSE(ip->v6) << mapped;
    EXPECT_TRUE(ip->bits() == v4->bits()) << mapped;
  }
  const auto v6 = parse_ip("2001:db8::1");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->v6);
  EXPECT_TRUE(v6->bits() == (Ipv6Bits{0x20010db8} << 96 | 1));
  const auto compatible = parse_ip("::1.2.3.4");  // the deprecated IPv4-compatible form stays IPv6
  ASSERT_TRUE(compatible);
  EXPECT_TRUE(compatible->v6);
  for (const char* text :
       {"", "01.2.3.4", "1.2.3", "example.com", "1.2.3.4/24", "::1/128", "a:b"}) {
    EXPECT_FALSE(parse_ip(text)) << "'" << text << "'";
  }
}

// Writing: what inet_ntop writes, for every pattern of zero groups (which
// decides where "::" goes, and the embedded dotted quads) with random
// non-zero groups, and for random addresses; the IPv4 form at every octet width.
std::string ntop6(Ipv6Bits bits) {
  unsigned char bytes[16];
  for (int i = 0; i < 16; ++i) bytes[i] = static_cast<unsigned char>(bits >> (8 * (15 - i)));
  char text[INET6_ADDRSTRLEN];
  EXPECT_NE(inet_ntop(AF_INET6, bytes, text, sizeof text), nullptr);
  return text;
}

std::string written6(Ipv6Bits bits) {
  char text[kMaxIpText];
  return std::string(text, write_ipv6_text(bits, text));
}

TEST(IpTextWriting, Ipv6AgreesWithInetNtop) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> width(1, 4);
  size_t with_quad = 0;
  for (unsigned zeros = 0; zeros < 256; ++zeros) {
    for (int round = 0; round < 200; ++round) {
      Ipv6Bits bits = 0;
      for (int g = 0; g < 8; ++g) {
        // Non-zero groups of 1 to 4 hex digits, 0xffff now and then (::ffff:a.b.c.d).
        uint16_t group = static_cast<uint16_t>(rng() >> (64 - 4 * width(rng)));
        if (group == 0 || (g == 5 && round % 4 == 0)) group = 0xffff;
        bits = bits << 16 | ((zeros >> g) & 1 ? 0 : group);
      }
      const std::string want = ntop6(bits);
      with_quad += want.find('.') != std::string::npos;
      ASSERT_EQ(written6(bits), want);
    }
  }
  for (int it = 0; it < 100'000; ++it) {
    const Ipv6Bits bits = Ipv6Bits{rng()} << 64 | rng();
    ASSERT_EQ(written6(bits), ntop6(bits));
  }
  EXPECT_EQ(written6(0), "::");
  EXPECT_EQ(written6(1), "::1");
  EXPECT_EQ(written6(Ipv6Bits{0xffff} << 32 | 0x01020304), "::ffff:1.2.3.4");
  EXPECT_EQ(written6(Ipv6Bits{0x20010db8} << 96 | Ipv6Bits{1} << 64 | 1), "2001:db8:0:1::1");
  EXPECT_GT(with_quad, 100u);  // the embedded forms were reached
}

TEST(IpTextWriting, Ipv4AgreesWithInetNtop) {
  std::mt19937 rng(8);
  const uint32_t octets[] = {0, 7, 10, 99, 100, 255};
  for (int it = 0; it < 20'000; ++it) {
    uint32_t address = rng();
    if (it % 2 == 0) {
      for (int o = 0; o < 4; ++o) {
        address = address << 8 | octets[rng() % std::size(octets)];
      }
    }
    const uint32_t network = htonl(address);
    char want[INET_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET, &network, want, sizeof want), nullptr);
    char got[kMaxIpText];
    ASSERT_EQ(std::string(got, write_ipv4_text(address, got)), want);
  }
}

}  // namespace
}  // namespace vigil
