// PinnedLiterals against the naive answer: every literal the text contains,
// by string_view::find over the whole set.
#include "detect/pinned_literals.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace vigil::sigma {
namespace {

// The ids found, each once, in increasing order.
std::vector<uint32_t> found(const PinnedLiterals& set, std::string_view text) {
  std::vector<uint32_t> ids;
  set.for_each_match(text, [&](uint32_t id) { ids.push_back(id); });
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<uint32_t> naive(const std::map<std::string, uint32_t>& literals,
                            std::string_view text) {
  std::vector<uint32_t> ids;
  for (const auto& [literal, id] : literals) {
    if (text.find(literal) != std::string_view::npos) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

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
  std::mt19937 rng(7);
  const std::string alphabet = "ab=";
  const auto random_text = [&](size_t max_length) {
    std::string s(1 + rng() % max_length, 'a');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    return s;
  };
  for (int round = 0; round < 50; ++round) {
    PinnedLiterals set;
    std::map<std::string, uint32_t> literals;
    while (literals.size() < 12) {
      std::string literal = random_text(6);
      if (literal.find('=') == std::string::npos || literals.contains(literal)) continue;
      const auto id = static_cast<uint32_t>(literals.size());
      literals.emplace(literal, id);
      set.add(literal, id);
    }
    for (int t = 0; t < 40; ++t) {
      const std::string text = random_text(20);
      EXPECT_EQ(found(set, text), naive(literals, text)) << text;
    }
  }
}

}  // namespace
}  // namespace vigil::sigma
