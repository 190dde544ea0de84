// The digit-shape scanner against a reference that visits every byte in order
// (the scanner jumps through 64-byte masks of the places worth a look), on random
// buffers made of the characters the shapes are built from, across 16- and
// 64-byte boundaries and with each pattern switched off.
#include "sanitize/numeric_scanner.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "config/config.h"
#include "sanitize/char_class.h"
#include "sanitize/policy.h"

namespace vigil::sanitize_detail {
namespace {

struct Shapes {
  bool ssn, card, ip;
};

bool separator(char c) {
  return c == ' ' || c == '-' || c == '.';
}

size_t reference_run(std::string_view buf, size_t start, Shapes on, std::vector<Finding>& out) {
  std::vector<DigitGroup> groups;
  size_t i = start, digits = 0;
  for (;;) {
    const size_t begin = i;
    while (i < buf.size() && is_digit(buf[i])) ++i;
    digits += i - begin;
    groups.push_back({begin, i, 0});
    if (!(i + 1 < buf.size() && separator(buf[i]) && is_digit(buf[i + 1]))) break;
    groups.back().separator = buf[i++];
  }
  if (groups.size() < 3 && digits < kMinCardDigits) return i;
  const DigitRun run{buf, groups, !word_before(buf, start), !word_at(buf, i)};
  if (on.ssn && groups.size() >= 3) find_ssns(run, out);
  if (on.ip && groups.size() >= 4) find_ipv4s(run, out);
  if (on.card && digits >= kMinCardDigits) find_cards(run, out);
  return i;
}

std::vector<Finding> reference_scan(std::string_view buf, Shapes on) {
  std::vector<Finding> out;
  size_t ipv6_tried_until = 0;
  for (size_t i = 0; i < buf.size();) {
    if (is_digit(buf[i])) {
      i = reference_run(buf, i, on, out);
    } else if (buf[i] == ':' && on.ip && i >= ipv6_tried_until) {
      const size_t before = out.size();
      find_ipv6(buf, i, &ipv6_tried_until, out);
      i = out.size() > before ? out.back().end : i + 1;
    } else {
      ++i;
    }
  }
  return out;
}

Policy policy_for(Shapes on) {
  SanitizeConfig config;
  if (!on.ssn) config.actions["ssn"] = "keep";
  if (!on.card) config.actions["credit_card"] = "keep";
  if (!on.ip) config.actions["ip_address"] = "keep";
  auto policy = Policy::from_config(config);
  EXPECT_TRUE(policy.has_value());
  return *policy;
}

std::vector<std::tuple<size_t, size_t, int>> spans(const std::vector<Finding>& findings) {
  std::vector<std::tuple<size_t, size_t, int>> out;
  for (const Finding& f : findings) out.emplace_back(f.begin, f.end, static_cast<int>(f.pattern));
  return out;
}

// Mostly digits and separators so that shapes form: SSNs, dotted quads,
// card-length runs, IPv6 pieces, with letters and NULs (segment ends) between.
std::string random_buffer(std::mt19937& rng, size_t size) {
  static constexpr char kChars[] = "0123456789012345678941111111--..  ::abcfx_\0";
  constexpr std::string_view kAlphabet(kChars, sizeof(kChars) - 1);  // with the NUL
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  std::string s(size, ' ');
  for (char& c : s) c = kAlphabet[pick(rng)];
  return s;
}

TEST(NumericScanner, MatchesTheByteByByteReferenceOnRandomBuffers) {
  std::mt19937 rng(20261127);
  std::uniform_int_distribution<size_t> length(0, 300);
  size_t findings = 0;
  for (int mask = 0; mask < 8; ++mask) {
    const Shapes on{(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0};
    const NumericScanner scanner(policy_for(on));
    for (int round = 0; round < 4000; ++round) {
      const std::string buf = random_buffer(rng, length(rng));
      std::vector<DigitGroup> groups;
      std::vector<Finding> got;
      scanner.scan(buf, groups, got);
      const auto want = reference_scan(buf, on);
      ASSERT_EQ(spans(got), spans(want)) << "buffer: " << buf;
      findings += want.size();
    }
  }
  // The buffers do form shapes: the comparison is not between empty lists.
  EXPECT_GT(findings, 1000u);
}

TEST(NumericScanner, FindsShapesAcrossBlockBoundaries) {
  const NumericScanner scanner(policy_for({true, true, true}));
  for (size_t pad = 40; pad < 80; ++pad) {
    for (const std::string_view shape : {"123-45-6789", "4111 1111 1111 1111", "4111111111111111",
                                         "203.0.113.77", "2001:db8::1"}) {
      const std::string buf = std::string(pad, 'x') + ' ' + std::string(shape) + " y";
      std::vector<DigitGroup> groups;
      std::vector<Finding> got;
      scanner.scan(buf, groups, got);
      ASSERT_EQ(got.size(), 1u) << shape << " at " << pad + 1;
      EXPECT_EQ(got[0].begin, pad + 1);
      EXPECT_EQ(got[0].end, pad + 1 + shape.size());
    }
  }
}

}  // namespace
}  // namespace vigil::sanitize_detail
