// Rule loading: multi-document files, directories, errors with file, line
// and reason while the other rules still load; meta-filters.
#include <gtest/gtest.h>

#include <fstream>

#include "sigma_test_util.h"
#include "support/test_data.h"

namespace vigil::sigma::testing {
namespace {

namespace fs = std::filesystem;

const char* kGood = R"(title: Good
id: 11111111-0000-0000-0000-000000000001
logsource: {product: test}
detection:
  sel:
    A: x
  condition: sel
)";

TEST(SigmaLoader, MultiDocumentFileLoadsEachRuleAndReportsTheBadOne) {
  const std::string text = std::string(kGood) +
                           "---\n"
                           "title: Bad\n"
                           "logsource: {product: test}\n"
                           "detection:\n"
                           "  sel:\n"
                           "    A|nosuchmod: x\n"
                           "  condition: sel\n"
                           "---\n" +
                           std::string(kGood);
  const auto r = load_rules_from_text(text, "multi.yml");
  EXPECT_EQ(r.rules.size(), 2u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, "multi.yml");
  EXPECT_EQ(r.errors[0].line, 13);  // the line of the offending key
  EXPECT_EQ(r.errors[0].rule, "Bad");
  EXPECT_NE(r.errors[0].reason.find("unsupported modifier 'nosuchmod'"), std::string::npos)
      << r.errors[0].reason;
}

TEST(SigmaLoader, YamlSyntaxErrorHasALine) {
  const auto r = load_rules_from_text("title: x\ndetection: [unclosed\n", "broken.yml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_GT(r.errors[0].line, 0);
  EXPECT_NE(r.errors[0].reason.find("YAML"), std::string::npos);
}

TEST(SigmaLoader, MissingSectionsAreNamed) {
  const auto r = load_rules_from_text("title: x\nlogsource: {product: a}\n", "x.yml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].reason.find("'detection'"), std::string::npos);
  const auto no_cond = load_rules_from_text(
      "title: x\nlogsource: {product: a}\ndetection:\n  sel: {A: 1}\n", "x.yml");
  ASSERT_EQ(no_cond.errors.size(), 1u);
  EXPECT_NE(no_cond.errors[0].reason.find("condition"), std::string::npos);
}

TEST(SigmaLoader, CorrelationDocumentsAreReportedNotCrashed) {
  VIGIL_REQUIRE_DATA(dir, "sigma/spec-examples/correlation");
  const auto r = load_rules({dir});
  EXPECT_GT(r.documents, 0u);
  for (const auto& e : r.errors) {
    EXPECT_NE(e.reason.find("correlation"), std::string::npos) << e.file << ": " << e.reason;
  }
}

TEST(SigmaLoader, DirectoriesAreWalkedRecursively) {
  const fs::path dir = ::vigil::testing::make_temp_dir("sigma-load");
  fs::create_directories(dir / "a" / "b");
  std::ofstream(dir / "a" / "one.yml") << kGood;
  std::ofstream(dir / "a" / "b" / "two.yaml") << kGood;
  std::ofstream(dir / "a" / "b" / "notes.txt") << "not a rule";
  const auto r = load_rules({dir});
  EXPECT_EQ(r.files, 2u);
  EXPECT_EQ(r.rules.size(), 2u);
  EXPECT_TRUE(r.errors.empty());
  const auto missing = load_rules({dir / "nope"});
  ASSERT_EQ(missing.errors.size(), 1u);
  fs::remove_all(dir);
}

TEST(SigmaFilters, MetaFilterExcludesKnownGoodForNamedRules) {
  const std::string text = std::string(kGood) +
                           "---\n"
                           "title: Not for admins\n"
                           "logsource: {product: test}\n"
                           "filter:\n"
                           "  rules: [11111111-0000-0000-0000-000000000001]\n"
                           "  selection:\n"
                           "    User|startswith: 'adm_'\n"
                           "  condition: selection\n";
  auto loaded = load_rules_from_text(text, "f.yml");
  ASSERT_TRUE(loaded.errors.empty()) << loaded.errors[0].reason;
  EXPECT_EQ(loaded.filters, 1u);
  std::vector<FieldMapping> m;
  m.push_back(paths_mapping());
  const RuleSet set(std::move(loaded.rules), std::move(m));
  EXPECT_EQ(set.match(event(R"({"A": "x", "User": "bob"})")).size(), 1u);
  EXPECT_TRUE(set.match(event(R"({"A": "x", "User": "ADM_root"})")).empty());
}

TEST(SigmaFilters, FilterNamingNoRuleIsReported) {
  VIGIL_REQUIRE_DATA(dir, "sigma/spec-examples/filter");
  const auto r = load_rules({dir});
  EXPECT_EQ(r.filters, r.documents);
  EXPECT_EQ(r.errors.size(), r.documents);  // their rule ids are not in this tree
  for (const auto& e : r.errors) EXPECT_EQ(e.reason, "filter names no loaded rule");
}

}  // namespace
}  // namespace vigil::sigma::testing
