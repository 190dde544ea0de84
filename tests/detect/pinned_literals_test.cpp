// PinnedLiterals against the naive answer: every literal the text contains,
// by string_view::find over the whole set.
#include "detect/pinned_literals.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "literal_lookup_test_util.h"

namespace vigil::sigma {
namespace {

using testing::found;
using testing::naive;

TEST(PinnedLiterals, HashesOfASysmonEvent) {
  PinnedLiterals set;
  set.add("md5=0123abcd", 0);
  set.add("sha1=ffff", 1);
  set.add("imphash=0123abcd", 2);
  set.add("md5=0123abce", 3);
  const std::string text = "sha1=ffff00,md5=0123abcd99,sha256=00,imphash=0123abcd";
  EXPECT_EQ(found(set, text), (std::vector<uint32_t>{0, 1, 2}));
  // At the text's ends: a shape reaching past either end is not looked up.
  EXPECT_EQ(found(set, "md5=0123abc"), std::vector<uint32_t>{});
  EXPECT_EQ(found(set, "d5=0123abcd"), std::vector<uint32_t>{});
  EXPECT_EQ(found(set, "md5=0123abce"), std::vector<uint32_t>{3});
}

// A literal with several pins is pinned by its first, and a text `=` that
// is a literal's later pin still finds it.
TEST(PinnedLiterals, LiteralsWithSeveralPins) {
  PinnedLiterals set;
  set.add("a=b=c", 0);
  set.add("=b", 1);
  set.add("b==", 2);
  EXPECT_EQ(found(set, "xa=b=cx"), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(found(set, "b=="), (std::vector<uint32_t>{2}));
  EXPECT_EQ(found(set, "a=b"), (std::vector<uint32_t>{1}));
}

TEST(PinnedLiterals, CanHoldOnlyLiteralsWithAPinInFewShapes) {
  EXPECT_TRUE(PinnedLiterals::can_hold({"md5=00", "sha1=11"}));
  EXPECT_FALSE(PinnedLiterals::can_hold({"md5=00", "sha1"}));
  std::vector<std::string> many;
  for (size_t n = 0; n <= PinnedLiterals::kMaxShapes; ++n)
    many.push_back(std::string(n, 'a') + "=");
  const std::vector<std::string_view> views(many.begin(), many.end());
  EXPECT_FALSE(PinnedLiterals::can_hold(views));
  EXPECT_TRUE(PinnedLiterals::can_hold({views.begin(), views.end() - 1}));
}

// Random literals and texts over a small alphabet, so literals overlap,
// repeat and share pins.
TEST(PinnedLiterals, MatchesNaiveFindOnRandomTexts) {
  testing::expect_naive_answers<PinnedLiterals>(
      7, "ab=", 1, 6, 20, [](const std::string& l) { return l.find('=') != std::string::npos; },
      [](PinnedLiterals&) {});
}

}  // namespace
}  // namespace vigil::sigma
