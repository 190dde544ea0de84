// The real parser is the judge: `promtool check metrics` parses the text
// exposition and lints it (naming, units, HELP, counter suffixes).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "metrics/metrics.h"
#include "support/test_data.h"

namespace vigil::metrics {
namespace {

std::filesystem::path find_promtool() {
  if (const char* p = std::getenv("PROMTOOL"); p && *p) {
    return std::filesystem::exists(p) ? std::filesystem::path(p) : std::filesystem::path();
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const auto candidate = std::filesystem::path(dir) / "promtool";
    if (std::filesystem::exists(candidate)) return candidate;
  }
  return {};
}

// Every kind of series with awkward label values, so the parser sees escapes.
std::string populated_exposition() {
  MetricsConfig config;
  config.max_event_type_labels = 4;
  VigilMetrics m(config);
  for (const char* t : {"authentication_failure", "quote\"back\\slash\nnewline", "Jos\xC3\xA9",
                        "bad\xff utf8", "overflow_1", "overflow_2"}) {
    m.event_processed(m.event_type_index(t), Severity::kCritical).inc();
  }
  m.anomaly_detected(m.anomaly_type_index("unusual_location")).inc();
  m.event_processing_seconds.observe(3e-6);
  m.event_processing_seconds.observe(2.0);
  m.active_threats.set(3);
  m.ingest_events_accepted.inc(100);
  m.ingest_rejected(RejectReason::kParseError).inc();
  m.queue_capacity.set(65536);
  m.store_write_seconds.observe(0.004);
  m.store_events_written.inc(99);
  m.store_write_errors.inc();
  m.http_request(200).inc();
  m.http_request(503).inc();
  m.http_request(999).inc();
  m.alert(m.rule_index("sql_injection_attempt"), Severity::kCritical).inc();
  m.record_rejected(RejectReason::kOther);
  m.record_processed("", Severity::kInfo, Timestamp::now());
  return m.render();
}

TEST(MetricPromtool, CheckMetricsAcceptsTheExpositionWithoutLintProblems) {
  const std::filesystem::path promtool = find_promtool();
  if (promtool.empty()) {
    if (vigil::testing::test_data_required()) {
      FAIL() << "promtool not found (VIGIL_REQUIRE_TEST_DATA=1); install the prometheus package";
    }
    GTEST_SKIP() << "promtool not found";
  }
  const auto dir = vigil::testing::make_temp_dir("vigil-metrics");
  const auto file = dir / "metrics.txt";
  {
    std::ofstream out(file, std::ios::binary);
    out << populated_exposition();
  }
  const std::string cmd =
      "'" + promtool.string() + "' check metrics < '" + file.string() + "' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) output.append(buf, n);
  const int status = pclose(pipe);
  std::filesystem::remove_all(dir);

  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_EQ(output, "") << "promtool reported problems:\n" << output;
}

}  // namespace
}  // namespace vigil::metrics
