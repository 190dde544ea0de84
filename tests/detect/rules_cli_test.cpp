// `vigil rules validate` and `vigil rules test` through the real binary:
// failing rules are named with file, line and reason while the rest load;
// matches (and correlation hits) are printed per event; exit codes.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/test_data.h"
#include "support/vigil_process.h"

namespace vigil::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

const char* kRules = R"(title: Admin granted
id: 11111111-2222-4333-8444-555555555501
name: admin_granted
level: high
logsource: {product: vigil}
detection:
  sel:
    event.action: permission_change
    new_permissions|contains: admin
  condition: sel
---
title: Failed login
id: 11111111-2222-4333-8444-555555555502
name: failed
level: low
logsource: {product: vigil}
detection:
  sel: {event_type: authentication_failure}
  condition: sel
---
title: Three failures
id: 11111111-2222-4333-8444-555555555503
level: medium
correlation:
  type: event_count
  rules: [failed]
  group-by: [user_id]
  timespan: 1m
  condition: {gte: 3}
)";

const char* kBroken = R"(title: Unknown modifier
logsource: {product: vigil}
detection:
  sel:
    query|sparkles: x
  condition: sel
---
title: Fractional timespan
correlation:
  type: event_count
  rules: [failed]
  group-by: [user_id]
  timespan: 1.5h
  condition: {gte: 3}
)";

struct RuleDir {
  RuleDir() : dir(make_temp_dir("vigil-rules-cli")) {
    std::filesystem::create_directories(dir / "rules" / "nested");
    std::ofstream(dir / "rules" / "good.yml") << kRules;
    std::ofstream(dir / "rules" / "nested" / "broken.yaml") << kBroken;
  }
  ~RuleDir() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
};

TEST(RulesCli, ValidateNamesEachFailureWithFileLineAndReasonAndLoadsTheRest) {
  RuleDir d;
  std::string out;
  EXPECT_EQ(
      run_capture({vigil_binary().string(), "rules", "validate", (d.dir / "rules").string()}, out),
      1);
  const auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 3u) << out;
  const std::string broken = (d.dir / "rules" / "nested" / "broken.yaml").string();
  EXPECT_EQ(lines[0].rfind(broken + ":5: 'Unknown modifier': ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("sparkles"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1].rfind(broken + ":13: 'Fractional timespan': timespan '1.5h'", 0), 0u)
      << lines[1];
  EXPECT_EQ(lines[2].rfind("3 rules loaded, 2 failed (2 files, 5 documents, 0 filters, 1 "
                           "correlations)",
                           0),
            0u)
      << lines[2];
  // Only the good file: everything loads, exit 0.
  EXPECT_EQ(run_capture({vigil_binary().string(), "rules", "validate",
                         (d.dir / "rules" / "good.yml").string()},
                        out),
            0)
      << out;
}

TEST(RulesCli, ValidateLoadsTheWholeBuiltInPack) {
  // Every document of every pack file must load: count them from the files.
  size_t documents = 0;
  for (const auto& f : std::filesystem::directory_iterator(source_dir() / "rules" / "vigil")) {
    ++documents;
    for (const auto& l : lines_of(read_file(f.path()))) documents += l == "---";
  }
  std::string out;
  ASSERT_EQ(run_capture({vigil_binary().string(), "rules", "validate",
                         (source_dir() / "rules" / "vigil").string()},
                        out),
            0)
      << out;
  EXPECT_EQ(out.rfind(std::to_string(documents) + " rules loaded, 0 failed", 0), 0u) << out;
}

TEST(RulesCli, TestPrintsEachMatchAndCorrelationHit) {
  RuleDir d;
  {
    std::ofstream ev(d.dir / "events.ndjson");
    ev << R"({"timestamp":"2026-11-25T10:00:00Z","event_type":"permission_change","new_permissions":["admin"]})"
       << "\n";
    for (int s : {10, 20, 30, 40}) {
      ev << R"({"timestamp":"2026-11-25T10:00:)" << s
         << R"(Z","event_type":"authentication_failure","user_id":"u1"})"
         << "\n";
    }
    ev << R"({"timestamp":"2026-11-25T10:00:50Z","event_type":"login","user_id":"u1"})"
       << "\n";
  }
  std::string out;
  ASSERT_EQ(run_capture({vigil_binary().string(), "rules", "test", "--rules",
                         (d.dir / "rules" / "good.yml").string(), "--events",
                         (d.dir / "events.ndjson").string()},
                        out),
            0);
  // `rules test` shows every rule match (building blocks too), then the
  // correlation from the third failure on.
  EXPECT_EQ(lines_of(out), (std::vector<std::string>{
                               "1\t11111111-2222-4333-8444-555555555501\tAdmin granted\thigh",
                               "2\t11111111-2222-4333-8444-555555555502\tFailed login\tlow",
                               "3\t11111111-2222-4333-8444-555555555502\tFailed login\tlow",
                               "4\t11111111-2222-4333-8444-555555555502\tFailed login\tlow",
                               "4\t11111111-2222-4333-8444-555555555503\tThree failures\tmedium",
                               "5\t11111111-2222-4333-8444-555555555502\tFailed login\tlow",
                               "5\t11111111-2222-4333-8444-555555555503\tThree failures\tmedium",
                           }))
      << out;
  out.clear();  // run_capture appends
  ASSERT_EQ(run_capture({vigil_binary().string(), "rules", "test", "--json", "--rules",
                         (d.dir / "rules" / "good.yml").string(), "--events",
                         (d.dir / "events.ndjson").string()},
                        out),
            0);
  const auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 7u);
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["event"], 1);
  EXPECT_EQ(first["rule"], "admin_granted");
  EXPECT_EQ(first["level"], "high");
  const auto hit = nlohmann::json::parse(lines[4]);
  EXPECT_EQ(hit["title"], "Three failures");
  EXPECT_EQ(hit["correlation"]["value"], 3);
  EXPECT_EQ(hit["correlation"]["group"]["user_id"], "u1");
}

TEST(RulesCli, TestExitCodes) {
  RuleDir d;
  std::ofstream(d.dir / "quiet.ndjson") << R"({"event_type":"login"})"
                                        << "\n";
  std::ofstream(d.dir / "bad.ndjson") << "{not json\n";
  const auto rules = (d.dir / "rules" / "good.yml").string();
  std::string out;
  EXPECT_EQ(run_capture({vigil_binary().string(), "rules", "test", "--rules", rules, "--events",
                         (d.dir / "quiet.ndjson").string()},
                        out),
            0);
  EXPECT_TRUE(out.empty()) << out;
  // Each error names the events file once.
  const std::string bad = (d.dir / "bad.ndjson").string();
  out.clear();
  EXPECT_EQ(run_capture_merged(
                {vigil_binary().string(), "rules", "test", "--rules", rules, "--events", bad}, out),
            2);
  EXPECT_NE(out.find("vigil: " + bad + ": truncated JSON"), std::string::npos) << out;
  const std::string missing = (d.dir / "missing.ndjson").string();
  out.clear();
  EXPECT_EQ(
      run_capture_merged(
          {vigil_binary().string(), "rules", "test", "--rules", rules, "--events", missing}, out),
      2);
  EXPECT_NE(out.find("vigil: " + missing + ": cannot read"), std::string::npos) << out;
  EXPECT_EQ(out.find(missing + ": " + missing), std::string::npos) << out;
}

// A decoder declared in --config works with `rules test --format` as it does
// with replay and decode; without the config the name is unknown (exit 2),
// and a config that does not load is exit 2 naming its file and line.
TEST(RulesCli, TestFormatUsesDecodersDeclaredInTheConfig) {
  RuleDir d;
  std::ofstream(d.dir / "vigil.yaml") << R"(decoders:
  - name: fw
    type: regex
    pattern: '^(?P<ts>\S+) (?P<verdict>ALLOW|DENY) src=(?P<src>[0-9.]+):(?P<sport>\d+)'
    fields: {src: source.ip, sport: source.port, verdict: event.action}
    timestamp: ts
)";
  std::ofstream(d.dir / "bad.yaml") << "decoders:\n  - name: fw\n    type: nonsense\n";
  std::ofstream(d.dir / "denied.yml") << R"(title: Denied from 10.0.0.9
id: 11111111-2222-4333-8444-555555555510
level: low
logsource: {product: vigil}
detection:
  sel: {event.action: DENY, source.ip: 10.0.0.9, source.port: 6000}
  condition: sel
)";
  // Lines 2 and 4 are denials, only line 2 from 10.0.0.9:6000.
  std::ofstream(d.dir / "fw.log") << "2025-03-01T10:00:00Z ALLOW src=10.0.0.9:6000\n"
                                  << "2025-03-01T10:00:01Z DENY src=10.0.0.9:6000\n"
                                  << "2025-03-01T10:00:02Z ALLOW src=10.0.0.1:5000\n"
                                  << "2025-03-01T10:00:03Z DENY src=10.0.0.1:6000\n";
  const std::vector<std::string> base{vigil_binary().string(),
                                      "rules",
                                      "test",
                                      "--rules",
                                      (d.dir / "denied.yml").string(),
                                      "--events",
                                      (d.dir / "fw.log").string(),
                                      "--format",
                                      "fw"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  std::string out;
  ASSERT_EQ(run_capture(with({"--config", (d.dir / "vigil.yaml").string()}), out), 0);
  EXPECT_EQ(lines_of(out),
            std::vector<std::string>{
                "2\t11111111-2222-4333-8444-555555555510\tDenied from 10.0.0.9\tlow"});
  out.clear();
  EXPECT_EQ(run_capture_merged(base, out), 2);
  EXPECT_NE(out.find("unknown decoder 'fw'"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(run_capture_merged(with({"--config", (d.dir / "bad.yaml").string()}), out), 2);
  EXPECT_NE(out.find((d.dir / "bad.yaml").string() + ":2:"), std::string::npos) << out;
}

// --year gives syslog lines without one their year, as on replay and decode.
TEST(RulesCli, TestYearDatesSyslogLines) {
  RuleDir d;
  std::ofstream(d.dir / "auth.log")
      << "Mar  1 10:00:00 host sshd[42]: Failed password for root from 10.0.0.9 port 4000 ssh2\n";
  std::ofstream(d.dir / "in2019.yml") << R"(title: Failure in 2019
level: low
logsource: {product: vigil}
detection:
  sel: {'@timestamp|startswith': '2019-03-01T10:00:00'}
  condition: sel
)";
  const std::vector<std::string> args{vigil_binary().string(),
                                      "rules",
                                      "test",
                                      "--rules",
                                      (d.dir / "in2019.yml").string(),
                                      "--events",
                                      (d.dir / "auth.log").string(),
                                      "--format",
                                      "sshd",
                                      "--year"};
  std::string out;
  auto in_year = args;
  in_year.push_back("2019");
  ASSERT_EQ(run_capture(in_year, out), 0);
  EXPECT_EQ(lines_of(out).size(), 1u) << out;
  out.clear();
  auto other_year = args;
  other_year.push_back("2020");
  ASSERT_EQ(run_capture(other_year, out), 0);
  EXPECT_TRUE(out.empty()) << out;
}

}  // namespace
}  // namespace vigil::testing
