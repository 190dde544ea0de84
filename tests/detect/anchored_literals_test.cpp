// AnchoredLiterals against the naive answer: every literal the text starts
// (ends) with, by starts_with / ends_with over the whole set.
#include "detect/anchored_literals.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace vigil::sigma {
namespace {

using Anchor = AnchoredLiterals::Anchor;

std::vector<uint32_t> found(const AnchoredLiterals& set, std::string_view text) {
  std::vector<uint32_t> ids;
  set.for_each_match(text, [&](uint32_t id) { ids.push_back(id); });
  return ids;
}

// The ids of the literals `text` starts (ends) with, shortest literal first.
std::vector<uint32_t> naive(const std::map<std::string, uint32_t>& literals, Anchor anchor,
                            std::string_view text) {
  std::vector<std::pair<size_t, uint32_t>> hits;
  for (const auto& [literal, id] : literals) {
    const bool hit = anchor == Anchor::kStart ? text.starts_with(literal) : text.ends_with(literal);
    if (hit) hits.emplace_back(literal.size(), id);
  }
  std::sort(hits.begin(), hits.end());
  std::vector<uint32_t> ids;
  for (const auto& h : hits) ids.push_back(h.second);
  return ids;
}

TEST(AnchoredLiterals, SuffixesOfAPath) {
  AnchoredLiterals set(Anchor::kEnd);
  set.add("\\cmd.exe", 0);
  set.add(".exe", 1);
  set.add("\\powershell.exe", 2);
  set.add("md.exe", 3);
  set.freeze();
  EXPECT_EQ(set.size(), 4u);
  EXPECT_EQ(found(set, "c:\\windows\\system32\\cmd.exe"), (std::vector<uint32_t>{1, 3, 0}));
  EXPECT_EQ(found(set, "c:\\windows\\system32\\cmd.exe "), std::vector<uint32_t>{});
  EXPECT_EQ(found(set, "c:\\x\\powershell.exe"), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(found(set, "exe"), std::vector<uint32_t>{});
  EXPECT_EQ(found(set, ""), std::vector<uint32_t>{});
}

TEST(AnchoredLiterals, PrefixesAndEdgeCases) {
  AnchoredLiterals set(Anchor::kStart);
  EXPECT_TRUE(set.empty());
  set.add("", 9);  // ignored
  set.add("c:\\windows\\", 0);
  set.add("c:\\", 1);
  set.add("c:\\windows\\", 2);  // the same literal again: its last id
  set.add(std::string("\0\xff", 2), 3);
  set.freeze();
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(found(set, "c:\\windows\\temp\\x.exe"), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(found(set, "c:"), std::vector<uint32_t>{});
  EXPECT_EQ(found(set, "d:\\windows\\"), std::vector<uint32_t>{});
  EXPECT_EQ(found(set, std::string("\0\xff\x01", 3)), std::vector<uint32_t>{3});
}

// Many literals over a small alphabet share long runs (and nodes with more
// children than the linear-scan limit), as paths do.
TEST(AnchoredLiterals, AgreesWithStartsWithAndEndsWith) {
  std::mt19937 rng(7);
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz\\.:- \x80\xff";
  const auto random_text = [&](size_t max) {
    std::string s;
    for (size_t i = 0, n = rng() % (max + 1); i < n; ++i) {
      s += alphabet[rng() % (rng() % 4 == 0 ? alphabet.size() : 3)];
    }
    return s;
  };
  for (const Anchor anchor : {Anchor::kStart, Anchor::kEnd}) {
    AnchoredLiterals set(anchor);
    std::map<std::string, uint32_t> literals;
    for (uint32_t id = 0; id < 2000; ++id) {
      const std::string literal = random_text(8);
      if (literal.empty()) continue;
      set.add(literal, id);
      literals[literal] = id;
    }
    set.freeze();
    EXPECT_EQ(set.size(), literals.size());
    for (int i = 0; i < 5000; ++i) {
      std::string text = random_text(12);
      // Half the texts contain a literal at the anchored end.
      if (i % 2 == 0) {
        auto it = literals.begin();
        std::advance(it, static_cast<long>(rng() % literals.size()));
        text = anchor == Anchor::kStart ? it->first + text : text + it->first;
      }
      EXPECT_EQ(found(set, text), naive(literals, anchor, text)) << text;
    }
  }
}

}  // namespace
}  // namespace vigil::sigma
