// `vigil intel import|lookup` through the real binary: counts printed, exit
// codes, and a second process seeing what the first imported (intel.db).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "feed_test_util.h"
#include "support/test_data.h"
#include "support/vigil_process.h"

namespace vigil::intel {
namespace {

using vigil::testing::run_capture;
using vigil::testing::vigil_binary;

class IntelCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = vigil::testing::make_temp_dir("intel_cli"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  int vigil(std::vector<std::string> args, std::string& out) {
    args.insert(args.begin(), vigil_binary().string());
    args.insert(args.begin() + 3, {"--data-dir", dir_.string()});
    return run_capture(args, out);
  }
  std::filesystem::path dir_;
};

TEST_F(IntelCli, ImportThenLookupInAnotherProcess) {
  VIGIL_REQUIRE_DATA(drop, "ti/feeds/spamhaus/drop.txt");
  std::string out;
  ASSERT_EQ(vigil({"intel", "import", "--format", "text", "--source", "drop", drop.string()}, out),
            0)
      << out;
  const size_t lines = testing_util::count_data_lines(drop);
  EXPECT_NE(
      out.find(fmt::format("{} entries read, {} indicators imported, 0 skipped", lines, lines)),
      std::string::npos)
      << out;
  ASSERT_EQ(vigil({"intel", "lookup", "1.10.16.77"}, out), 0) << out;
  EXPECT_NE(out.find("sources: drop"), std::string::npos) << out;
  EXPECT_NE(out.find("1.10.16.0/20"), std::string::npos) << out;
  EXPECT_EQ(vigil({"intel", "lookup", "9.9.9.9"}, out), 1) << out;
  EXPECT_NE(out.find("no match"), std::string::npos);
}

TEST_F(IntelCli, ImportReportsSkipsAndMalformedLines) {
  VIGIL_REQUIRE_DATA(bundle, "ti/stix/oasis-json-schemas/threat-report-poisonivy.json");
  std::string out;
  ASSERT_EQ(vigil({"intel", "import", "--format", "stix", bundle.string()}, out), 0) << out;
  EXPECT_NE(out.find("skipped 2: pattern with no translatable comparison"), std::string::npos)
      << out;
  EXPECT_NE(out.find("'domain autuo.xicp.net' is not a domain name"), std::string::npos) << out;
  ASSERT_EQ(vigil({"intel", "lookup", "2001:DB8::1"}, out), 1);
}

TEST_F(IntelCli, UsageErrors) {
  VIGIL_REQUIRE_DATA(feodo, "ti/feeds/abusech/feodotracker_ipblocklist.csv");
  std::string out;
  EXPECT_EQ(vigil({"intel", "import", "--format", "csv", feodo.string()}, out), 2);  // no preset
  EXPECT_EQ(vigil({"intel", "import", "--format", "yaml", feodo.string()}, out), 2);
  EXPECT_EQ(vigil({"intel", "lookup", "not a value"}, out), 2);
  ASSERT_EQ(vigil({"intel", "import", "--format", "csv", "--preset", "feodo", feodo.string()}, out),
            0)
      << out;
  EXPECT_NE(out.find("source csv:feodotracker_ipblocklist.csv"), std::string::npos) << out;
}

}  // namespace
}  // namespace vigil::intel

namespace vigil::intel {
namespace {

// `vigil intel import` then `vigil replay` on the same data dir: the replay
// sees the imported indicators, raises the event and a threat_intel_match
// alert, and never for an allowlisted or unlisted address.
TEST_F(IntelCli, ReplaySeesImportedIndicators) {
  VIGIL_REQUIRE_DATA(feodo, "ti/feeds/abusech/feodotracker_ipblocklist.csv");
  std::string out;
  ASSERT_EQ(vigil({"intel", "import", "--format", "csv", "--preset", "feodo", "--source", "feodo",
                   feodo.string()},
                  out),
            0)
      << out;
  // The first data row's dst_ip, read from the file without vigil's code.
  std::ifstream in(feodo);
  std::string line, listed;
  while (std::getline(in, line) && listed.empty()) {
    if (line.empty() || line[0] == '#' || line.find("first_seen_utc") != std::string::npos)
      continue;
    const size_t a = line.find("\",\"") + 3;
    listed = line.substr(a, line.find('"', a) - a);
  }
  ASSERT_FALSE(listed.empty());
  const auto events = dir_ / "events.ndjson";
  std::ofstream(events)
      << R"({"timestamp":"2026-11-25T10:00:00Z","event_type":"connection","user_id":"u1","destination_ip":")"
      << listed << "\"}\n"
      << R"({"timestamp":"2026-11-25T10:00:01Z","event_type":"connection","user_id":"u2","destination_ip":"9.9.9.9"})"
      << "\n";
  const auto alerts = dir_ / "alerts.jsonl";
  std::vector<std::string> args = {vigil_binary().string(), "replay",   "--data-dir",
                                   dir_.string(),           "--alerts", alerts.string(),
                                   events.string()};
  ASSERT_EQ(run_capture(args, out), 0) << out;
  EXPECT_NE(out.find("\"alerts\":1"), std::string::npos) << out;
  const std::string written = vigil::testing::read_file(alerts);
  EXPECT_NE(written.find("\"rule_name\":\"threat_intel_match\""), std::string::npos) << written;
  EXPECT_NE(written.find("feodo"), std::string::npos);
}

}  // namespace
}  // namespace vigil::intel
