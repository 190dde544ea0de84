// The command line: replay's summary, check-config, --help and exit codes.
#include <gtest/gtest.h>

#include <fstream>

#include "integration/daemon_fixture.h"

namespace vigil::testing {
namespace {

std::string vigil() {
  return vigil_binary().string();
}

TEST(Cli, ReplayCountsEveryLineAndStoresTheGoodOnes) {
  auto dir = make_temp_dir("vigil-replay");
  std::string body;
  size_t good = 0, bad = 0;
  for (int i = 0; i < 5000; ++i) {
    if (i % 1000 == 999) {
      body += "{\"truncated\": \n";
      ++bad;
    } else {
      body += R"({"timestamp":"2024-02-0)" + std::to_string(1 + i % 3) +
              R"(T00:00:00Z","event_type":"e","i":)" + std::to_string(i) + "}\n";
      ++good;
    }
  }
  std::ofstream(dir / "in.ndjson") << body;
  std::string out;
  const int rc = run_capture(
      {vigil(), "replay", "--data-dir", (dir / "data").string(), (dir / "in.ndjson").string()},
      out);
  ASSERT_EQ(rc, 0) << out;
  auto summary = nlohmann::json::parse(out);
  EXPECT_EQ(summary["read"], good + bad);
  EXPECT_EQ(summary["accepted"], good);
  EXPECT_EQ(summary["rejected"], bad);
  EXPECT_EQ(summary["stored"], good);
  EXPECT_GT(summary["events_per_s"].get<double>(), 0.0);
  EXPECT_EQ(count_stored_events(dir / "data"), good);
  size_t day_files = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir / "data")) {
    const std::string name = f.path().filename().string();
    day_files += name.rfind("security-events-", 0) == 0 && f.path().extension() == ".db";
  }
  EXPECT_EQ(day_files, 3u);
  std::filesystem::remove_all(dir);
}

TEST(Cli, ReplayFromStdinWithoutStore) {
  std::string out;
  const int rc = run_capture({vigil(), "replay", "--no-store", "-"}, out,
                             "{\"event_type\":\"a\"}\n{\"event_type\":\"b\"}\nnope");
  ASSERT_EQ(rc, 0) << out;
  auto summary = nlohmann::json::parse(out);
  EXPECT_EQ(summary["read"], 3);
  EXPECT_EQ(summary["accepted"], 2);
  EXPECT_EQ(summary["stored"], 0);
}

TEST(Cli, CheckConfigNamesFileLineAndKey) {
  auto dir = make_temp_dir("vigil-cfg");
  std::ofstream(dir / "bad.yaml") << "storage:\n  data_dir: /tmp/x\n  retension_days: 3\n";
  std::string out;
  // stderr is not captured by run_capture: route it to stdout.
  const int rc = run_capture(
      {"/bin/sh", "-c", vigil() + " check-config " + (dir / "bad.yaml").string() + " 2>&1"}, out);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("bad.yaml:3"), std::string::npos) << out;
  EXPECT_NE(out.find("storage.retension_days"), std::string::npos) << out;
  std::filesystem::remove_all(dir);
}

TEST(Cli, ExampleConfigIsValid) {
  std::string out;
  const auto example = source_dir() / "config" / "vigil.example.yaml";
  EXPECT_EQ(run_capture({vigil(), "check-config", example.string()}, out), 0) << out;
}

TEST(Cli, HelpAndUsageExitCodes) {
  std::string out;
  EXPECT_EQ(run_capture({vigil(), "--help"}, out), 0);
  EXPECT_NE(out.find("replay"), std::string::npos);
  for (const char* cmd : {"run", "replay", "check-config"}) {
    out.clear();
    EXPECT_EQ(run_capture({vigil(), cmd, "--help"}, out), 0) << cmd;
    EXPECT_FALSE(out.empty()) << cmd;
  }
  EXPECT_EQ(run_capture({vigil(), "no-such-command"}, out), 2);
  EXPECT_EQ(run_capture({vigil(), "run", "--bogus-flag"}, out), 2);
  EXPECT_EQ(run_capture({vigil(), "replay", "/no/such/file.ndjson"}, out), 1);
}

}  // namespace
}  // namespace vigil::testing
