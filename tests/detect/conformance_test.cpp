// Conformance with the SigmaHQ rule tree and its regression events
// (../shared/data/sigma, see its README): every rule loads or fails with a
// named reason, and every regression event fires its rule with the whole
// tree loaded, through the shipped Windows mapping plus SigmaHQ's thor.yml.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sigma_test_util.h"
#include "support/test_data.h"

namespace vigil::sigma::testing {
namespace {

namespace fs = std::filesystem;

// Reasons a SigmaHQ rule may fail to load, each documented in
// docs/sigma-support.md.
const std::vector<std::string> kDocumentedReasons = {
    "regular expression not supported by RE2",
    "aggregation expression",
    "'near' is not supported",
    "has no value in the configuration (expand)",
    "condition: unexpected",
};

bool documented(const std::string& reason) {
  for (const auto& r : kDocumentedReasons) {
    if (reason.find(r) != std::string::npos) return true;
  }
  return false;
}

std::string reason_kind(const std::string& reason) {
  for (const auto& r : kDocumentedReasons) {
    if (reason.find(r) != std::string::npos) return r;
  }
  return reason;
}

struct Tree {
  LoadResult loaded;
  std::unique_ptr<RuleSet> set;
};

const Tree& whole_tree(const fs::path& rules_dir, const fs::path& thor) {
  static const Tree tree = [&] {
    Tree t;
    t.loaded = load_rules({rules_dir});
    auto m =
        FieldMapping::load(::vigil::testing::source_dir() / "rules/mappings/windows.yml", {thor});
    EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().message);
    std::vector<FieldMapping> ms;
    ms.push_back(std::move(*m));
    t.set = std::make_unique<RuleSet>(t.loaded.rules, std::move(ms));
    return t;
  }();
  return tree;
}

TEST(SigmaConformance, EveryRuleLoadsOrFailsWithADocumentedReason) {
  VIGIL_REQUIRE_DATA(rules, "sigma/rules");
  VIGIL_REQUIRE_DATA(thor, "sigma/logsource/thor.yml");
  const Tree& t = whole_tree(rules, thor);
  std::map<std::string, int> by_reason;
  for (const auto& e : t.loaded.errors) {
    ++by_reason[reason_kind(e.reason)];
    EXPECT_TRUE(documented(e.reason)) << e.file << ":" << e.line << ": " << e.reason;
  }
  std::cout << "[ figures  ] rules/: " << t.loaded.files << " files, " << t.loaded.documents
            << " documents, " << t.loaded.rules.size() << " loaded, " << t.loaded.errors.size()
            << " failed, " << t.set->unmapped().size() << " loaded but not recognizable by the "
            << "Windows mapping\n";
  for (const auto& [reason, n] : by_reason)
    std::cout << "[ figures  ]   " << n << "  " << reason << "\n";
  EXPECT_EQ(t.loaded.rules.size() + t.loaded.errors.size(), t.loaded.documents);
  EXPECT_GE(t.loaded.rules.size(), 3700u);
}

TEST(SigmaConformance, ExtraRulesFailOnlyWithNamedReasons) {
  VIGIL_REQUIRE_DATA(extra, "sigma/rules-extra");
  const auto r = load_rules({extra});
  std::map<std::string, int> by_reason;
  for (const auto& e : r.errors) {
    EXPECT_FALSE(e.reason.empty()) << e.file;
    EXPECT_GT(e.line, 0) << e.file << ": " << e.reason;
    std::string kind = e.reason.substr(0, e.reason.find(':', e.reason.find("': ") + 3));
    ++by_reason[reason_kind(e.reason).substr(0, 90)];
  }
  std::cout << "[ figures  ] rules-extra/: " << r.documents << " documents, " << r.rules.size()
            << " loaded, " << r.errors.size() << " failed\n";
  for (const auto& [reason, n] : by_reason)
    std::cout << "[ figures  ]   " << n << "  " << reason << "\n";
  // README: 59 documents use Sigma 1.x aggregation / invented syntax; 26 use expand
  // placeholders, which fail without configured values.
  EXPECT_GE(r.errors.size(), 59u);
}

struct RegressionCase {
  std::string rule_id, rule_path, event_path;
  int match_count = 1;
};

std::vector<RegressionCase> read_manifest(const fs::path& file) {
  std::vector<RegressionCase> out;
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() < 4) continue;
    out.push_back({cols[0], cols[1], cols[2], cols[3].empty() ? 1 : std::stoi(cols[3])});
  }
  return out;
}

TEST(SigmaConformance, EveryRegressionEventFiresItsRule) {
  VIGIL_REQUIRE_DATA(rules, "sigma/rules");
  VIGIL_REQUIRE_DATA(thor, "sigma/logsource/thor.yml");
  VIGIL_REQUIRE_DATA(regression, "sigma/regression");
  const Tree& t = whole_tree(rules, thor);
  const auto cases = read_manifest(regression / "manifest.tsv");
  ASSERT_GT(cases.size(), 100u);
  int passed = 0;
  size_t total_events = 0, total_alerts = 0;
  for (const auto& c : cases) {
    auto events = read_events(regression / c.event_path);
    ASSERT_TRUE(events.has_value()) << c.event_path << ": " << events.error().message;
    int matches = 0;
    for (const auto& ev : *events) {
      const auto hits = t.set->match(ev);
      total_alerts += hits.size();
      for (const auto& h : hits) matches += h.rule->meta.id == c.rule_id ? 1 : 0;
    }
    total_events += events->size();
    if (matches >= c.match_count) {
      ++passed;
    } else {
      ADD_FAILURE() << "regression miss: " << c.rule_path << " (" << c.rule_id << "): " << matches
                    << " of " << c.match_count << " expected matches";
    }
  }
  std::cout << "[ figures  ] regression: " << passed << "/" << cases.size() << " tests pass; "
            << total_events << " events raised " << total_alerts << " alerts in all\n";
}

// The Hyperscan prefilter only skips work: on every regression event, the
// whole tree fires exactly the same rules with it as without it.
TEST(SigmaConformance, PrefilterChangesNoResultOnRegressionEvents) {
  VIGIL_REQUIRE_DATA(rules, "sigma/rules");
  VIGIL_REQUIRE_DATA(thor, "sigma/logsource/thor.yml");
  VIGIL_REQUIRE_DATA(regression, "sigma/regression");
  const Tree& t = whole_tree(rules, thor);
  auto m =
      FieldMapping::load(::vigil::testing::source_dir() / "rules/mappings/windows.yml", {thor});
  ASSERT_TRUE(m.has_value());
  std::vector<FieldMapping> ms;
  ms.push_back(std::move(*m));
  const RuleSet plain(t.loaded.rules, std::move(ms), RuleSetOptions{.literal_prefilter = false});
  EXPECT_EQ(plain.literal_stats().databases, 0u);
  const auto stats = t.set->literal_stats();
  EXPECT_GT(stats.databases, 10u);
  const auto [gated, bound] = t.set->gated_rules();
  EXPECT_GT(gated, bound / 2);
  std::cout << "[ figures  ] prefilter: " << stats.databases << " databases, " << stats.literals
            << " literals, " << stats.patterns << " patterns, " << stats.bytes << " bytes; "
            << gated << " of " << bound << " bound rules gated\n";
  size_t events = 0, alerts = 0;
  for (const auto& c : read_manifest(regression / "manifest.tsv")) {
    auto evs = read_events(regression / c.event_path);
    ASSERT_TRUE(evs.has_value());
    for (const auto& ev : *evs) {
      std::vector<const Rule*> a, b;
      for (const auto& h : t.set->match(ev)) a.push_back(h.rule);
      for (const auto& h : plain.match(ev)) b.push_back(h.rule);
      EXPECT_EQ(a, b) << c.event_path;
      ++events;
      alerts += a.size();
    }
  }
  EXPECT_GT(events, 100u);
  EXPECT_GT(alerts, 100u);
}

}  // namespace
}  // namespace vigil::sigma::testing
