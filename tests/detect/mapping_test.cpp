// The Windows mapping (rules/mappings/windows.yml): both JSON shapes, the
// field naming of SigmaHQ's runner, and log-source recognition.
#include <gtest/gtest.h>

#include "sigma_test_util.h"
#include "support/test_data.h"

namespace vigil::sigma::testing {
namespace {

FieldMapping windows_mapping() {
  auto m = FieldMapping::load(::vigil::testing::source_dir() / "rules/mappings/windows.yml");
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().message);
  return std::move(*m);
}

std::unique_ptr<RuleSet> windows_rules(const std::string& yaml, RuleSetOptions options = {}) {
  auto loaded = load_rules_from_text(yaml, "w.yml");
  EXPECT_TRUE(loaded.errors.empty()) << (loaded.errors.empty() ? "" : loaded.errors[0].reason);
  std::vector<FieldMapping> m;
  m.push_back(windows_mapping());
  return std::make_unique<RuleSet>(std::move(loaded.rules), std::move(m), options);
}

const char* kProcRule = R"(title: cmd whoami
logsource: {category: process_creation, product: windows}
detection:
  sel:
    Image|endswith: '\cmd.exe'
    CommandLine|contains: 'whoami'
  condition: sel
)";

const char* kSysmon1 = R"({"Event": {"System": {
  "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon"}},
  "EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational"},
  "EventData": {"Image": "C:\\Windows\\System32\\cmd.exe", "CommandLine": "cmd /c whoami"}}})";

TEST(WindowsMapping, ProcessCreationMeetsSysmonOne) {
  EXPECT_EQ(windows_rules(kProcRule)->match(event(kSysmon1)).size(), 1u);
}

TEST(WindowsMapping, ProcessCreationMeetsSecurity4688WithRenamedFields) {
  const char* sec = R"({"Event": {"System": {"EventID": 4688, "Channel": "Security"},
    "EventData": {"NewProcessName": "C:\\Windows\\System32\\cmd.exe",
                  "CommandLine": "cmd /c whoami"}}})";
  EXPECT_EQ(windows_rules(kProcRule)->match(event(sec)).size(), 1u);
}

TEST(WindowsMapping, OtherEventIdsAndChannelsDoNotMeetTheRule) {
  const char* eid3 = R"({"Event": {"System": {"EventID": 3,
    "Channel": "Microsoft-Windows-Sysmon/Operational"},
    "EventData": {"Image": "C:\\Windows\\System32\\cmd.exe", "CommandLine": "whoami"}}})";
  EXPECT_TRUE(windows_rules(kProcRule)->match(event(eid3)).empty());
  const char* wrong_channel = R"({"Event": {"System": {"EventID": 1, "Channel": "Application"},
    "EventData": {"Image": "C:\\Windows\\System32\\cmd.exe", "CommandLine": "whoami"}}})";
  EXPECT_TRUE(windows_rules(kProcRule)->match(event(wrong_channel)).empty());
}

TEST(WindowsMapping, FlatShipperFormWithLowerCaseChannel) {
  const char* flat = R"({"EventID": 4688, "Channel": "security",
    "SourceName": "Microsoft-Windows-Security-Auditing",
    "NewProcessName": "C:\\Windows\\System32\\cmd.exe", "CommandLine": "whoami /all"})";
  EXPECT_EQ(windows_rules(kProcRule)->match(event(flat)).size(), 1u);
}

TEST(WindowsMapping, AttributesAsTagUnderscoreAndSpacesRemoved) {
  const char* rule = R"(title: defender
logsource: {product: windows, service: windefend}
detection:
  sel:
    Provider_Name: 'Microsoft-Windows-Windows Defender'
    ThreatName|contains: 'Mimikatz'
  condition: sel
)";
  const char* ev = R"({"Event": {"System": {
    "Provider": {"#attributes": {"Name": "Microsoft-Windows-Windows Defender"}},
    "EventID": 1116, "Channel": "Microsoft-Windows-Windows Defender/Operational"},
    "EventData": {"Threat Name": "HackTool:Win32/Mimikatz"}}})";
  EXPECT_EQ(windows_rules(rule)->match(event(ev)).size(), 1u);
  const char* flat =
      R"({"EventID": 1116, "Channel": "Microsoft-Windows-Windows Defender/Operational",
    "SourceName": "Microsoft-Windows-Windows Defender", "Threat Name": "Mimikatz"})";
  EXPECT_EQ(windows_rules(rule)->match(event(flat)).size(), 1u);
}

// Event keys are read without their spaces, whether or not a rule field
// has one: a key is looked up as it is first only while no rule field has a
// space, so a rule naming `Threat Name` meets no event key, as before.
TEST(WindowsMapping, EventKeysAreReadWithoutSpacesEvenWhenARuleFieldHasOne) {
  const char* rule = R"(title: spaced
logsource: {product: windows, service: windefend}
detection:
  sel:
    'Threat Name|contains': 'Mimikatz'
  condition: sel
)";
  const char* ev = R"({"Event": {"System": {"EventID": 1116,
    "Channel": "Microsoft-Windows-Windows Defender/Operational"},
    "EventData": {"Threat Name": "HackTool:Win32/Mimikatz"}}})";
  EXPECT_TRUE(windows_rules(rule)->match(event(ev)).empty());
  const std::string both = std::string(rule) + "---\n" +
                           "title: compact\nlogsource: {product: windows, service: windefend}\n"
                           "detection:\n  sel:\n    ThreatName|contains: 'Mimikatz'\n"
                           "  condition: sel\n";
  const auto rules = windows_rules(both);
  const auto matched = rules->match(event(ev));
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0].rule->meta.title, "compact");
}

TEST(WindowsMapping, LinuxRulesNeverMeetWindowsEvents) {
  const char* rule = R"(title: linux
logsource: {product: linux, category: process_creation}
detection:
  sel: {Image|endswith: '\cmd.exe'}
  condition: sel
)";
  auto set = windows_rules(rule);
  EXPECT_TRUE(set->match(event(kSysmon1)).empty());
  EXPECT_EQ(set->unmapped().size(), 1u);
}

TEST(WindowsMapping, ThorTableMergesIntoTheMapping) {
  VIGIL_REQUIRE_DATA(thor, "sigma/logsource/thor.yml");
  auto m =
      FieldMapping::load(::vigil::testing::source_dir() / "rules/mappings/windows.yml", {thor});
  ASSERT_TRUE(m.has_value()) << m.error().message;
  const auto variants = m->variants_for(Logsource{"windows", "antivirus", ""});
  EXPECT_EQ(variants.size(), 1u);  // only in thor.yml
}

// An event meets the variants of its channel through an index on the value
// their conditions test most (EventID here), plus those without such a
// condition (the service rule); a second condition (EventType) is still
// checked, and an array of event ids is checked against every variant.
TEST(WindowsMapping, VariantsFoundByEventIdAndTheirOtherConditions) {
  const std::string rules = R"(title: registry
id: r-event
logsource: {category: registry_event, product: windows}
detection: {sel: {TargetObject|contains: 'run'}, condition: sel}
---
title: added
id: r-add
logsource: {category: registry_add, product: windows}
detection: {sel: {TargetObject|contains: 'run'}, condition: sel}
---
title: any sysmon
id: r-sysmon
logsource: {product: windows, service: sysmon}
detection: {sel: {TargetObject|contains: 'run'}, condition: sel}
)";
  auto set = windows_rules(rules);
  const auto fired = [&](const std::string& event_id, const std::string& event_type) {
    const std::string json = R"({"Event": {"System": {"EventID": )" + event_id +
                             R"(, "Channel": "Microsoft-Windows-Sysmon/Operational"},
      "EventData": {"TargetObject": "HKLM\\Run\\x", "EventType": ")" +
                             event_type + R"("}}})";
    std::vector<std::string> ids;
    for (const auto& m : set->match(event(json))) ids.push_back(m.rule->meta.id);
    return ids;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(fired("12", "CreateKey"), (Ids{"r-event", "r-add", "r-sysmon"}));
  EXPECT_EQ(fired("12", "SetValue"), (Ids{"r-event", "r-sysmon"}));
  EXPECT_EQ(fired("\"13\"", "CreateKey"), (Ids{"r-event", "r-sysmon"}));
  EXPECT_EQ(fired("99", "CreateKey"), (Ids{"r-sysmon"}));
  EXPECT_EQ(fired("[99, 12]", "CreateKey"), (Ids{"r-event", "r-add", "r-sysmon"}));
  EXPECT_EQ(fired("null", "CreateKey"), (Ids{"r-sysmon"}));
}

// Keyword literals live in one database per log-source variant: a Sysmon
// event scans the keywords of the any-channel and Sysmon rules, a Security
// event those of the any-channel and Security rules. A keyword screened
// lazily (`not keywords`, no gate) is looked up in a group that holds it,
// also when the rule is bound to several variants (process_creation: Sysmon
// 1 and Security 4688). Results equal those without the prefilter.
TEST(WindowsMapping, KeywordsPerVariantGroup) {
  const std::string rules = R"(title: any
id: k-any
logsource: {product: windows}
detection: {keywords: ['alpha-kw'], condition: keywords}
---
title: sysmon
id: k-sysmon
logsource: {product: windows, service: sysmon}
detection: {keywords: ['beta-kw'], condition: keywords}
---
title: security
id: k-security
logsource: {product: windows, service: security}
detection: {keywords: ['gamma-kw'], condition: keywords}
---
title: process without delta
id: k-not
logsource: {product: windows, category: process_creation}
detection: {keywords: ['delta-kw'], condition: not keywords}
)";
  auto with = windows_rules(rules);
  auto without = windows_rules(rules, RuleSetOptions{.literal_prefilter = false});
  const auto fired = [&](const std::string& system, const std::string& text) {
    const std::string json = R"({"Event": {"System": {)" + system +
                             R"(}, "EventData": {"CommandLine": ")" + text + R"("}}})";
    const Value doc = event(json);
    std::vector<std::string> ids, reference;
    for (const auto& m : with->match(doc)) ids.push_back(m.rule->meta.id);
    for (const auto& m : without->match(doc)) reference.push_back(m.rule->meta.id);
    EXPECT_EQ(ids, reference) << json;
    return ids;
  };
  using Ids = std::vector<std::string>;
  const std::string sysmon1 = R"("EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational")";
  const std::string security = R"("EventID": 4688, "Channel": "Security")";
  EXPECT_EQ(fired(sysmon1, "x alpha-kw beta-kw gamma-kw"), (Ids{"k-any", "k-sysmon", "k-not"}));
  EXPECT_EQ(fired(sysmon1, "x BETA-KW delta-kw"), (Ids{"k-sysmon"}));
  EXPECT_EQ(fired(security, "x alpha-kw beta-kw gamma-kw"), (Ids{"k-any", "k-security", "k-not"}));
  EXPECT_EQ(fired(security, "x delta-kw"), Ids{});
  EXPECT_EQ(fired(security, "x Delta-Kw gamma-kw"), (Ids{"k-security"}));
}

TEST(EcsMapping, CategoryFromEcsArrayAndDottedFields) {
  auto m = FieldMapping::load(::vigil::testing::source_dir() / "rules/mappings/ecs.yml");
  ASSERT_TRUE(m.has_value()) << m.error().message;
  auto loaded = load_rules_from_text(R"(title: failed login
logsource: {product: vigil, category: authentication}
detection:
  sel:
    event.outcome: failure
    User: alice
  condition: sel
)",
                                     "e.yml");
  ASSERT_TRUE(loaded.errors.empty());
  std::vector<FieldMapping> ms;
  ms.push_back(std::move(*m));
  const RuleSet set(std::move(loaded.rules), std::move(ms));
  EXPECT_EQ(set.match(event(R"({"event": {"category": ["authentication"], "outcome": "failure"},
                               "user": {"name": "alice"}})"))
                .size(),
            1u);
  EXPECT_TRUE(set.match(event(R"({"event": {"category": ["file"], "outcome": "failure"},
                                  "user": {"name": "alice"}})"))
                  .empty());
}

}  // namespace
}  // namespace vigil::sigma::testing
