// `vigil intel import|lookup` through the real binary: counts printed, exit
// codes, and a second process seeing what the first imported (intel.db).
#include <fmt/format.h>
#include <gtest/gtest.h>

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
