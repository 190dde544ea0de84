// regex_min_length (detect/regex_length.h): each bound is checked against
// RE2 itself with a witness, a text of exactly that many characters that
// the regex matches whole, so a bound too high (which would hide a match)
// fails here.
#include "detect/regex_length.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>

#include "sigma_test_util.h"

namespace vigil::sigma::testing {
namespace {

size_t characters(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

struct Case {
  std::string pattern, witness;
  size_t bound;
};

TEST(SigmaRegexLength, BoundIsTheShortestMatchRe2Accepts) {
  const std::vector<Case> cases = {
      {".{1000,}", std::string(1000, 'x'), 1000},
      {"(.){200,}", std::string(200, 'x'), 200},
      {".{150}", std::string(150, 'x'), 150},
      {"[^/]{100,}$", std::string(100, 'a'), 100},
      {"(?m)^abc$", "abc", 3},
      {"a|bc", "a", 1},
      {"(?i)\\s(-u|--user)\\s*:", " -u:", 4},
      {"ab*c?d+", "ad", 2},
      {"x{2,5}y{0}z{3,}?", "xxzzz", 5},
      {"a{,3}", "a{,3}", 5},  // not a repetition in RE2: literal braces
      {"a{x}", "a{x}", 4},
      {"\\bfoo\\b", "foo", 3},
      {"(?P<n>ab)|c", "c", 1},
      {"[]a]\\]", "]]", 2},
      {"[[:alpha:]\\]x]-", "x-", 2},
      {"(?:ab)*", "", 0},
      {"(a)??b", "b", 1},
      {"\\x41\\x{263a}\\pL\\p{Greek}\\101", "A\u263a\u00e9\u03b1A", 5},
      {"\u00e9{3}", "\u00e9\u00e9\u00e9", 3},
      {"(?i)k", "\u212a", 1},  // the Kelvin sign: 3 bytes, one character
      {"(?s:a.b)|(?U)cd+", "cd", 2},
      {"\\\\[a-zA-Z0-9]{1,32}\\.[a-zA-Z0-9]{1,6}\\.[ \"']{1}", "\\a.b. ", 6},
      {"\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}",
       " " + std::string(64, 'a') + " " + std::string(16, 'b'), 82},
  };
  for (const auto& c : cases) {
    RE2 re(c.pattern);
    ASSERT_TRUE(re.ok()) << c.pattern << ": " << re.error();
    EXPECT_TRUE(RE2::FullMatch(c.witness, re)) << c.pattern << " on " << c.witness;
    EXPECT_EQ(characters(c.witness), c.bound) << c.pattern;
    EXPECT_EQ(regex_min_length(c.pattern), c.bound) << c.pattern;
  }
}

TEST(SigmaRegexLength, UnknownConstructsGiveNoBound) {
  EXPECT_EQ(regex_min_length("\\Qabc\\E"), 0u);
  EXPECT_EQ(regex_min_length("(abc"), 0u);
  EXPECT_EQ(regex_min_length("[abc"), 0u);
  EXPECT_EQ(regex_min_length("*a"), 0u);
}

// Through a rule: a text one character short of the bound does not match,
// one of exactly the bound does (multi-byte characters counted as one).
TEST(SigmaRegexLength, RuleSkipsTextsTooShortAndMatchesTheRest) {
  OneRule r("  sel:\n    F|re: '.{10,}'\n  condition: sel\n");
  EXPECT_FALSE(r.fires(R"({"F": "123456789"})"));
  EXPECT_TRUE(r.fires(R"({"F": "1234567890"})"));
  EXPECT_TRUE(r.fires(R"({"F": "zo\u00eb m\u00fcller"})"));  // 10 characters, 12 bytes
  EXPECT_FALSE(r.fires(R"({"F": "12345\n67890"})"));         // `.` stops at a newline
}

}  // namespace
}  // namespace vigil::sigma::testing
