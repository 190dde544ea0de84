// SigmaDetector: alerts carry the rule's identity and attribution (DRL 1.1
// requires the author on every alert), severity from the rule's level.
#include <gtest/gtest.h>

#include <mutex>

#include "sigma_test_util.h"

namespace vigil::sigma::testing {
namespace {

const char* kRule = R"(title: Suspicious Thing
name: suspicious_thing
id: 5d3c1a2b-0000-4000-8000-000000000001
status: test
description: Something suspicious happened
author: Jane Doe, John Roe
level: high
tags: [attack.execution, attack.t1059]
references: ['https://example.org/a']
logsource: {product: test}
detection:
  sel:
    Image|endswith: '\evil.exe'
  condition: sel
)";

std::shared_ptr<const RuleSet> one_rule_set(const std::string& yaml) {
  auto loaded = load_rules_from_text(yaml, "d.yml");
  EXPECT_TRUE(loaded.errors.empty());
  std::vector<FieldMapping> m;
  m.push_back(paths_mapping());
  return std::make_shared<const RuleSet>(std::move(loaded.rules), std::move(m));
}

TEST(SigmaDetector, AlertCarriesRuleIdentityAndAttribution) {
  SigmaDetector detector(one_rule_set(kRule));
  CollectingSink sink;
  Event ev;
  ev.doc = event(R"({"Image": "C:\\tmp\\EVIL.exe", "User": "bob"})");
  detector.on_event(ev, sink);
  ASSERT_EQ(sink.alerts.size(), 1u);
  const Alert& a = sink.alerts[0];
  EXPECT_EQ(a.rule, "suspicious_thing");
  EXPECT_EQ(a.rule_id, "5d3c1a2b-0000-4000-8000-000000000001");
  EXPECT_EQ(a.severity, Severity::kHigh);
  EXPECT_EQ(ev.severity, Severity::kHigh);
  EXPECT_EQ(a.description, "Something suspicious happened");
  EXPECT_EQ(a.author, "Jane Doe, John Roe");
  EXPECT_EQ(a.title, "Suspicious Thing");
  EXPECT_EQ(a.tags, (std::vector<std::string>{"attack.execution", "attack.t1059"}));
  EXPECT_EQ(a.references, std::vector<std::string>{"https://example.org/a"});
  ASSERT_EQ(a.events.size(), 1u);
  EXPECT_EQ(a.events[0], ev.doc);
  const Value* fields = a.context.find("matched_fields");
  ASSERT_NE(fields, nullptr);
  EXPECT_EQ(fields->find("Image")->as_string(), "C:\\tmp\\EVIL.exe");
}

TEST(SigmaDetector, RuleNameFallsBackToTitleAndLevelNeverLowersSeverity) {
  std::string yaml = kRule;
  yaml.replace(yaml.find("name: suspicious_thing\n"), 23, "");
  yaml.replace(yaml.find("level: high"), 11, "level: low");
  SigmaDetector detector(one_rule_set(yaml));
  CollectingSink sink;
  Event ev;
  ev.severity = Severity::kCritical;
  ev.doc = event(R"({"Image": "x\\evil.exe"})");
  detector.on_event(ev, sink);
  ASSERT_EQ(sink.alerts.size(), 1u);
  EXPECT_EQ(sink.alerts[0].rule, "Suspicious Thing");
  EXPECT_EQ(sink.alerts[0].severity, Severity::kLow);
  EXPECT_EQ(ev.severity, Severity::kCritical);
}

TEST(SigmaDetector, NoAlertWithoutMatchAndReplaceSwapsRules) {
  SigmaDetector detector(one_rule_set(kRule));
  CollectingSink sink;
  Event ev;
  ev.doc = event(R"({"Image": "x\\good.exe"})");
  detector.on_event(ev, sink);
  EXPECT_TRUE(sink.alerts.empty());
  std::string yaml = kRule;
  yaml.replace(yaml.find("evil.exe"), 8, "good.exe");
  detector.replace(one_rule_set(yaml));
  detector.on_event(ev, sink);
  EXPECT_EQ(sink.alerts.size(), 1u);
}

}  // namespace
}  // namespace vigil::sigma::testing
