// Random IPv6-looking text for tests that hold an IP reader to inet_pton:
// hex groups (one to nine, one to five digits, either case) with and without
// "::", some with a dotted quad, a zone or the mapped prefix, and a third made
// of random hex digits, colons, dots and a few other bytes.
#pragma once

#include <random>
#include <string>

namespace vigil::test {

inline std::string random_ipv6_text(std::mt19937_64& rng) {
  static constexpr char kHex[] = "0123456789abcdefABCDEF";
  std::string s;
  if (rng() % 3 == 0) {
    for (size_t k = rng() % 24; k > 0; --k)
      s.push_back("0123456789abcdefABCDEF::::.%g "[rng() % 30]);
    return s;
  }
  const int groups = 1 + static_cast<int>(rng() % 9);
  const int gap = rng() % 3 == 0 ? -1 : static_cast<int>(rng() % (groups + 1));
  for (int k = 0; k < groups; ++k) {
    s += k == gap ? "::" : k > 0 ? ":" : "";
    for (size_t d = 1 + rng() % 5; d > 0; --d) s.push_back(kHex[rng() % 22]);
  }
  if (gap == groups) s += "::";
  const uint64_t tail = rng() % 12;
  if (tail == 0) {
    s += ":1.2.3.4";
  } else if (tail == 1) {
    s += "%eth0";
  } else if (tail == 2) {
    s = "::ffff:" + std::to_string(rng() % 300) + ".2.3.4";
  } else if (tail == 3) {
    s = "::ffff:" + s.substr(0, 9);
  }
  return s;
}

}  // namespace vigil::test
