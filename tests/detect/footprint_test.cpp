// Rule::footprint: the cache lines RuleSet::match prefetches before it
// evaluates a rule. A line left out costs a wait, not a wrong answer, so
// these tests check the lines evaluate() reads through pointers are there.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "detect/anchored_literals.h"
#include "detect/literal_prefilter.h"
#include "detect/rule_loader.h"
#include "detect/string_pattern.h"

namespace vigil::sigma {
namespace {

const void* line_of(const void* p) {
  return reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(p) & ~uintptr_t{63});
}

bool has_line(const std::vector<const void*>& lines, const void* p) {
  return std::find(lines.begin(), lines.end(), line_of(p)) != lines.end();
}

std::shared_ptr<const Rule> one_rule(const std::string& detection) {
  auto loaded = load_rules_from_text(
      "title: t\nid: r\nlogsource: {product: test}\ndetection:\n" + detection, "inline.yml");
  EXPECT_TRUE(loaded.errors.empty());
  EXPECT_EQ(loaded.rules.size(), 1u);
  return loaded.rules.front();
}

TEST(SigmaFootprint, HoldsTheBlocksEvaluationReadsThroughPointers) {
  const auto rule = one_rule(
      "  sel:\n    Image|endswith: '\\some-long-binary-name-beyond-sso.exe'\n"
      "  filter:\n    User|contains: 'x*y'\n  condition: sel and not filter\n");
  std::vector<const void*> lines;
  rule->footprint(lines);
  EXPECT_TRUE(has_line(lines, &rule->identifiers));
  EXPECT_TRUE(has_line(lines, rule->condition.children.data()));
  ASSERT_EQ(rule->identifiers.size(), 2u);
  for (const auto& id : rule->identifiers) {
    EXPECT_TRUE(has_line(lines, id.alternatives.data()));
    const auto& test = id.alternatives.front().tests.front();
    EXPECT_TRUE(has_line(lines, id.alternatives.front().tests.data()));
    EXPECT_TRUE(has_line(lines, test.values.data()));
    EXPECT_TRUE(has_line(lines, test.values.front().get()));
  }
  for (const void* line : lines) EXPECT_EQ(line, line_of(line));  // whole lines
}

// A glob (`?`) is matched piece by piece: each piece's text is on the heap.
TEST(SigmaFootprint, HoldsAPatternsHeapText) {
  const std::string literal = "\\some-long-binary-name-beyond-sso.exe";
  StringPattern p(SigmaString::parse("*" + literal + "?x"), false);
  std::vector<const void*> lines;
  p.footprint(lines);
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(has_line(lines, p.required_literal().data()));
}

// Every walk of a trie starts at its root and searches the root's edges.
TEST(SigmaFootprint, AnchoredLiteralsGiveTheirRoot) {
  AnchoredLiterals empty(AnchoredLiterals::Anchor::kEnd);
  empty.freeze();
  std::vector<const void*> lines;
  empty.footprint(lines);
  EXPECT_TRUE(lines.empty());
  AnchoredLiterals suffixes(AnchoredLiterals::Anchor::kEnd);
  suffixes.add("\\cmd.exe", 1);
  suffixes.add("\\powershell.exe", 2);
  suffixes.freeze();
  suffixes.footprint(lines);
  // The root's record (its header and edge bytes): one small block, on one
  // line or straddling two.
  EXPECT_GE(lines.size(), 1u);
  EXPECT_LE(lines.size(), 2u);
}

// A screen reads the pattern's word of the screened bits and of the
// one-field bits; a pattern the index does not screen has none.
TEST(SigmaFootprint, LiteralIndexGivesAScreensWords) {
  const StringPattern gate(SigmaString::parse("*mimikatz*"), false);
  const StringPattern other(SigmaString::parse("*rubeus*"), false);
  LiteralIndex index;
  index.add_gate_pattern(gate);
  index.add(0, gate);
  index.add(0, other);  // not a gate's: not screened on a field
  ASSERT_TRUE(index.compile().has_value());
  std::vector<const void*> lines;
  index.footprint(other, lines);
  EXPECT_TRUE(lines.empty());
  index.footprint(gate, lines);
  EXPECT_EQ(lines.size(), 2u);  // two arrays
}

TEST(SigmaFootprint, BlockLinesAreCapped) {
  std::vector<const void*> lines;
  alignas(64) static const char big[64 * 100] = {};
  add_footprint(big, sizeof big, lines);
  EXPECT_EQ(lines.size(), kFootprintBlockLines);
  EXPECT_EQ(lines.front(), line_of(big));
  lines.clear();
  add_footprint(big + 60, 8, lines);  // straddles two lines
  EXPECT_EQ(lines.size(), 2u);
}

}  // namespace
}  // namespace vigil::sigma
