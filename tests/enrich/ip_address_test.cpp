// IpAddress::parse must read exactly what inet_pton reads: its IPv4 fast path
// is checked against inet_pton on edge cases and on random near-addresses.
#include "enrich/ip_address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

namespace vigil {
namespace {

// inet_pton's verdict as IpAddress would hold it (IPv4 only).
std::optional<std::array<uint8_t, 4>> inet_pton4(const std::string& text) {
  std::array<uint8_t, 4> bytes{};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) != 1) return std::nullopt;
  return bytes;
}

void expect_same_as_inet_pton(const std::string& text) {
  const auto ours = IpAddress::parse(text);
  const auto theirs = inet_pton4(text);
  if (!theirs) {
    // Not IPv4 for inet_pton: either refused, or IPv6 (which our parse marks
    // so; IPv4-mapped addresses are the mapping test's).
    EXPECT_TRUE(!ours || ours->v6) << "'" << text << "'";
    return;
  }
  ASSERT_TRUE(ours) << "'" << text << "'";
  EXPECT_FALSE(ours->v6) << "'" << text << "'";
  EXPECT_EQ(0, std::memcmp(ours->bytes.data(), theirs->data(), 4)) << "'" << text << "'";
}

TEST(IpAddressParse, AgreesWithInetPtonOnDottedQuadEdgeCases) {
  for (const char* text :
       {"0.0.0.0",  "255.255.255.255", "1.2.3.4",  "10.0.0.1",  "256.1.1.1", "1.2.3.256",
        "01.2.3.4", "1.2.3.04",        "1.2.3",    "1.2.3.4.5", "1.2.3.4.",  ".1.2.3.4",
        "1..2.3",   "1.2.3.4 ",        " 1.2.3.4", "1.2.3.-4",  "1.2.3.4a",  "1234.1.1.1",
        "0.0.0.00", "999.999.999.999", "",         "1",         "a.b.c.d",   "1.2.3.4/24",
        "::1",      "2001:db8::1"}) {
    expect_same_as_inet_pton(text);
  }
}

TEST(IpAddressParse, AgreesWithInetPtonOnRandomNearAddresses) {
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789..";
  for (int i = 0; i < 200000; ++i) {
    std::string text;
    if (i % 2 == 0) {  // four octets up to 299, a tenth with a leading zero
      for (int k = 0; k < 4; ++k) {
        if (k > 0) text.push_back('.');
        if (rng() % 10 == 0) text.push_back('0');
        text += std::to_string(rng() % 300);
      }
    } else {
      const int len = 1 + static_cast<int>(rng() % 16);
      for (int k = 0; k < len; ++k) text.push_back(alphabet[rng() % alphabet.size()]);
    }
    expect_same_as_inet_pton(text);
  }
}

TEST(IpAddressParse, MapsIpv4MappedIpv6ToIpv4) {
  const auto ip = IpAddress::parse("::ffff:81.2.69.142");
  ASSERT_TRUE(ip);
  EXPECT_FALSE(ip->v6);
  EXPECT_EQ(ip->bytes[0], 81);
  EXPECT_EQ(ip->bytes[3], 142);
}

}  // namespace
}  // namespace vigil
