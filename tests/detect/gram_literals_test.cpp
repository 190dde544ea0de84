// GramLiterals against the naive answer: every literal the text contains,
// by string_view::find over the whole set, and every occurrence reported.
#include "detect/gram_literals.h"

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

TEST(GramLiterals, CommandLineLiterals) {
  GramLiterals set;
  const char* literals[] = {"-encodedcommand", "c:\\windows\\temp\\", "c:\\windows\\system32\\",
                            "short" /* under kGram bytes: not held */, "invoke-expression"};
  for (uint32_t id = 0; id < std::size(literals); ++id) set.add(literals[id], id);
  set.freeze();
  EXPECT_EQ(set.size(), 4u);
  EXPECT_EQ(found(set, "powershell -encodedcommand abc"), (std::vector<uint32_t>{0}));
  EXPECT_EQ(found(set, "c:\\windows\\temp\\x.exe c:\\windows\\system32\\y"),
            (std::vector<uint32_t>{1, 2}));
  // At the text's ends, and cut short by them.
  EXPECT_EQ(found(set, "invoke-expression"), (std::vector<uint32_t>{4}));
  EXPECT_EQ(found(set, "invoke-expressio"), std::vector<uint32_t>{});
  EXPECT_EQ(found(set, "nvoke-expression"), std::vector<uint32_t>{});
  EXPECT_EQ(found(set, "short short"), std::vector<uint32_t>{});
  EXPECT_EQ(found(set, ""), std::vector<uint32_t>{});
}

TEST(GramLiterals, EmptySetFindsNothing) {
  GramLiterals set;
  set.add("short", 0);  // under kGram bytes: not held
  set.freeze();
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(found(set, "short and longer text"), std::vector<uint32_t>{});
}

TEST(GramLiterals, EveryOccurrenceReported) {
  GramLiterals set;
  set.add("abcdefgh", 7);
  set.freeze();
  std::vector<uint32_t> ids;
  set.for_each_match("abcdefghabcdefgh-abcdefgh", [&](uint32_t id) { ids.push_back(id); });
  EXPECT_EQ(ids, (std::vector<uint32_t>{7, 7, 7}));
}

// Random literals and texts over a small alphabet, so literals overlap,
// repeat, share grams and are indexed at different offsets.
TEST(GramLiterals, MatchesNaiveFindOnRandomTexts) {
  testing::expect_naive_answers<GramLiterals>(
      11, "ab", GramLiterals::kGram, 12, 40, [](const std::string&) { return true; },
      [](GramLiterals& set) { set.freeze(); });
}

}  // namespace
}  // namespace vigil::sigma
