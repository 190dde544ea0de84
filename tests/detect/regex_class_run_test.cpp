// regex_class_run (detect/regex_class_run.h): the run search against a naive
// longest-run count, the runs read from patterns, and, on random texts,
// that no text RE2 matches lacks the run (a run that is not necessary would
// hide a match).
#include "detect/regex_class_run.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::sigma::testing {
namespace {

struct Random {
  uint64_t state;
  size_t below(size_t n) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return static_cast<size_t>(state >> 33) % n;
  }
};

size_t longest_run(const ClassRun& run, const std::string& text) {
  size_t longest = 0, current = 0;
  for (char c : text) {
    current = run.bytes[static_cast<unsigned char>(c)] ? current + 1 : 0;
    longest = std::max(longest, current);
  }
  return longest;
}

TEST(SigmaRegexClassRun, SearchAgreesWithACountOfRuns) {
  ClassRun run;
  run.bytes['a'] = run.bytes['b'] = true;
  Random r{11};
  for (size_t length = 1; length <= 20; ++length) {
    run.length = length;
    for (int round = 0; round < 400; ++round) {
      std::string text;
      const size_t size = r.below(90);
      for (size_t k = 0; k < size; ++k) text.push_back("abab-x"[r.below(r.below(2) ? 4 : 6)]);
      EXPECT_EQ(run.found_in(text), longest_run(run, text) >= length) << length << " " << text;
    }
  }
  run.length = 0;
  EXPECT_TRUE(run.found_in(""));  // no run required
}

TEST(SigmaRegexClassRun, RunsReadFromPatterns) {
  const auto snake = regex_class_run("\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}", true);
  EXPECT_EQ(snake.length, 64u);
  for (char c : std::string("0123456789abcdefABCDEF")) EXPECT_TRUE(snake.bytes[c]) << c;
  for (char c : std::string("gG -xX\n")) EXPECT_FALSE(snake.bytes[c]) << c;
  EXPECT_FALSE(snake.bytes[0xC3]);

  const auto folded = regex_class_run("(?i)x[a-f]{10}", true);
  EXPECT_EQ(folded.length, 10u);
  EXPECT_TRUE(folded.bytes['A'] && folded.bytes['f'] && folded.bytes[0xE2]);
  EXPECT_FALSE(folded.bytes['g']);
  EXPECT_TRUE(regex_class_run("[k]{9}", false).bytes[0xE2]);  // the Kelvin sign's lead byte

  const auto negated = regex_class_run("[^/]{100,}$", true);
  EXPECT_EQ(negated.length, 100u);
  EXPECT_FALSE(negated.bytes['/']);
  EXPECT_TRUE(negated.bytes['a'] && negated.bytes['\n'] && negated.bytes[0x80]);
  const auto not_e_acute = regex_class_run("[^\u00e9x]{8}", true);
  EXPECT_FALSE(not_e_acute.bytes['x']);
  EXPECT_TRUE(not_e_acute.bytes[0xC3] && not_e_acute.bytes[0xBC]);  // ü, which it matches

  EXPECT_EQ(regex_class_run("\\\\__1\\d{9}\\.\\d{1,7}$", true).length, 9u);
  EXPECT_EQ(regex_class_run("[a-z]{3}\\w{12,20}?", true).length, 12u);
  EXPECT_TRUE(regex_class_run("[é-]{10}", true).bytes[0xA9]);
  EXPECT_TRUE(regex_class_run("\\S{10}", true).bytes[0xA9]);
  EXPECT_FALSE(regex_class_run("\\S{10}", true).bytes[' ']);
  // No run a match must hold: an alternative without it, an optional or
  // grouped class, a repetition of zero, or what the reader does not read.
  for (const char* none :
       {"a|[0-9]{20}", "(?:[0-9]{20})?", "([0-9]{20}|x)", "[0-9]{0,20}", "[0-9]+", "\\x41{20}",
        "[\\x41]{20}", "[[:alpha:]]{20}", "\\pL{20}", "(unclosed[0-9]{20}", "x{20}"}) {
    EXPECT_EQ(regex_class_run(none, true).length, 0u) << none;
  }
}

// Texts from pieces that make runs of every length of each class, with
// separators, upper case and non-ASCII letters; every text RE2 matches
// must have the run, and the patterns must both match and be turned away
// by their run somewhere, or the test proves nothing.
TEST(SigmaRegexClassRun, EveryTextRe2MatchesHasTheRun) {
  struct Case {
    std::string pattern, witness;  // the witness matches
  };
  const std::string hex64 = "0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef";
  const std::vector<Case> cases = {
      {"\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}", "x " + hex64 + " 0123456789abcdef"},
      {"[^/]{30,}$", "/" + std::string(29, 'a') + "\u00e9"},
      {"(?i)x[a-f]{10}", "XABCDEFabcd"},
      {"[A-F0-9]{8}-[A-F0-9]{4}-[A-F0-9]{4}", "0A1B2C3D-ABCD-0123"},
      {"[-/][Ee^]{1,2}[ncodema^]*\\s[A-Za-z0-9+/=]{15,}", "-e ABCDEFabcdef0123"},
      {"\\\\__1\\d{9}\\.\\d{1,7}$", "\\__1123456789.1"},
      {"(?i)k[s]{8}", "\u212aSSSS\u017fsss"},
      // A negated class naming a non-ASCII character matches every other one.
      {"[^\u00e9]{8}", "\u00fc\u00fc\u00fc\u00fc\u00fc\u00fc\u00fc\u00fc"},
  };
  const std::vector<std::string> pieces = {"0123456789abcdef",
                                           "ABCDEF",
                                           "0a1b2c3d",
                                           " ",
                                           "-",
                                           "/",
                                           "\\__1",
                                           ".",
                                           "x",
                                           "X",
                                           "-e ",
                                           "kss",
                                           "\u212a",
                                           "\u017f",
                                           "é",
                                           "ssss",
                                           "ABCD",
                                           "\t"};
  Random r{5};
  for (const auto& c : cases) {
    const RE2 re(c.pattern);
    ASSERT_TRUE(re.ok()) << c.pattern;
    ASSERT_TRUE(RE2::PartialMatch(c.witness, re)) << c.pattern;
    const ClassRun run = regex_class_run(c.pattern, true);
    ASSERT_GE(run.length, 8u) << c.pattern;
    EXPECT_TRUE(run.found_in(c.witness)) << c.pattern;
    size_t matched = 0, turned_away = 0;
    for (int round = 0; round < 20000; ++round) {
      std::string text;
      const size_t count = r.below(14);
      for (size_t k = 0; k < count; ++k) {
        const auto& piece = pieces[r.below(pieces.size())];
        for (size_t times = 1 + r.below(5); times > 0; --times) text += piece;
      }
      if (r.below(4) == 0) text.insert(r.below(text.size() + 1), c.witness);
      const bool found = run.found_in(text);
      if (RE2::PartialMatch(text, re)) {
        ++matched;
        EXPECT_TRUE(found) << c.pattern << " on " << text;
      }
      turned_away += found ? 0 : 1;
    }
    EXPECT_GT(matched, 100u) << c.pattern;
    EXPECT_GT(turned_away, 100u) << c.pattern;
  }
}

}  // namespace
}  // namespace vigil::sigma::testing
