// back_with_huge_pages (detect/huge_pages.h): which 2 MiB regions a set of
// blocks asks for, that their contents survive the collapse, and a rule set
// that matches the same with and without huge pages.
#include "detect/huge_pages.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "sigma_test_util.h"

namespace vigil::sigma::testing {
namespace {

// Three huge pages' worth of anonymous memory, and its first 2 MiB boundary.
class Mapping {
 public:
  Mapping() {
    void* p = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) base_ = static_cast<char*>(p);
  }
  ~Mapping() {
    if (base_ != nullptr) ::munmap(base_, kBytes);
  }
  char* aligned() const {
    const auto p = reinterpret_cast<uintptr_t>(base_);
    return base_ + ((kHugePageBytes - (p & (kHugePageBytes - 1))) & (kHugePageBytes - 1));
  }
  bool ok() const { return base_ != nullptr; }

 private:
  static constexpr size_t kBytes = 3 * kHugePageBytes;
  char* base_ = nullptr;
};

TEST(SigmaHugePages, AsksForEachRegionHoldingABlockOnce) {
  Mapping m;
  ASSERT_TRUE(m.ok());
  char* r = m.aligned();
  std::memset(r, 'x', 2 * kHugePageBytes);
  const auto out = back_with_huge_pages({{r + 100, 10},
                                         {r + 5000, 100},
                                         {r + kHugePageBytes - 8, 16},  // into the next region
                                         {nullptr, 64},
                                         {r + 64, 0}});
  EXPECT_EQ(out.regions, 2u);
  EXPECT_LE(out.collapsed, out.regions);
  for (size_t i = 0; i < 2 * kHugePageBytes; i += 4096) ASSERT_EQ(r[i], 'x') << i;
  EXPECT_EQ(back_with_huge_pages({{r + 10, 20}}).regions, 1u);
  EXPECT_EQ(back_with_huge_pages({}).regions, 0u);
}

TEST(SigmaHugePages, RuleSetMatchesTheSameWithAndWithout) {
  auto loaded = load_rules_from_text(
      "title: t\nid: r\nlogsource: {product: test}\ndetection:\n"
      "  sel:\n    A|contains: 'needle'\n  filter:\n    B: 'ok'\n  condition: sel and not filter\n",
      "inline.yml", {});
  ASSERT_TRUE(loaded.errors.empty());
  const auto make = [&](size_t from_lines) {
    std::vector<FieldMapping> mappings;
    mappings.push_back(paths_mapping());
    return std::make_unique<RuleSet>(loaded.rules, std::move(mappings),
                                     RuleSetOptions{.huge_pages_from_lines = from_lines});
  };
  const auto with = make(0);
  const auto without = make(SIZE_MAX);
  const auto small = make(RuleSetOptions{}.huge_pages_from_lines);  // one rule: a few lines
  EXPECT_GT(with->huge_page_regions().regions, 0u);
  EXPECT_EQ(without->huge_page_regions().regions, 0u);
  EXPECT_EQ(small->huge_page_regions().regions, 0u);
  for (const char* json :
       {R"({"A": "a NEEDLE"})", R"({"A": "needle", "B": "ok"})", R"({"A": "x"})"}) {
    const Value doc = event(json);
    EXPECT_EQ(with->match(doc).size(), without->match(doc).size()) << json;
  }
  EXPECT_EQ(with->match(event(R"({"A": "a NEEDLE"})")).size(), 1u);
}

}  // namespace
}  // namespace vigil::sigma::testing
