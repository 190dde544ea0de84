// Throughput of the whole SigmaHQ tree over the regression events and the
// OTRF Windows datasets (flat NXLog form). Prints figures for
// docs/sigma-support.md; only asserts that matching ran. Meaningful in an
// optimized build without sanitizers.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>

#include "sigma_test_util.h"
#include "support/test_data.h"

namespace vigil::sigma::testing {
namespace {

namespace fs = std::filesystem;

std::vector<Value> regression_events(const fs::path& dir) {
  std::vector<Value> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    auto events = read_events(entry.path());
    if (events) {
      for (auto& e : *events) out.push_back(std::move(e));
    }
  }
  return out;
}

// The datasets come gzipped; gzip is part of every Debian system.
std::string read_maybe_gzipped(const fs::path& file) {
  if (file.extension() != ".gz") return ::vigil::testing::read_file(file);
  std::string out;
  const std::string cmd = "gzip -dc '" + file.string() + "'";
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

double events_per_second(const RuleSet& set, const std::vector<Value>& events, int rounds,
                         size_t& alerts) {
  alerts = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (const auto& e : events) alerts += set.match(e).size();
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return static_cast<double>(events.size()) * rounds / took.count();
}

TEST(SigmaThroughput, WholeTreeOverWindowsEvents) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "timings are meaningless in a sanitizer build";
#endif
  VIGIL_REQUIRE_DATA(rules, "sigma/rules");
  VIGIL_REQUIRE_DATA(thor, "sigma/logsource/thor.yml");
  VIGIL_REQUIRE_DATA(regression, "sigma/regression");
  VIGIL_REQUIRE_DATA(otrf, "logs/otrf/windows");
  const auto t0 = std::chrono::steady_clock::now();
  auto loaded = load_rules({rules});
  auto mappings = default_mappings({thor});
  ASSERT_TRUE(mappings.has_value());
  const RuleSet set(loaded.rules, std::move(*mappings));
  const std::chrono::duration<double> compile = std::chrono::steady_clock::now() - t0;
  std::printf("[ figures  ] load+compile %zu rules: %.2f s\n", loaded.rules.size(),
              compile.count());

  const auto reg = regression_events(regression);
  size_t alerts = 0;
  const double reg_rate = events_per_second(set, reg, 5, alerts);
  std::printf("[ figures  ] regression events: %zu events x5, %.0f events/s, %zu alerts\n",
              reg.size(), reg_rate, alerts);
  EXPECT_GT(alerts, 0u);

  std::vector<Value> all;
  for (const auto& entry : fs::directory_iterator(otrf)) {
    auto events = parse_events(read_maybe_gzipped(entry.path()));
    ASSERT_TRUE(events.has_value()) << entry.path();
    std::map<std::string, size_t> fired;
    for (const auto& e : *events) {
      for (const auto& m : set.match(e))
        ++fired[m.rule->meta.title + " [" + std::string(to_string(m.rule->meta.level)) + "]"];
    }
    std::printf("[ dataset  ] %s: %zu events\n", entry.path().filename().c_str(), events->size());
    for (const auto& [title, n] : fired)
      std::printf("[ dataset  ]     %5zu  %s\n", n, title.c_str());
    for (auto& e : *events) all.push_back(std::move(e));
  }
  const double otrf_rate = events_per_second(set, all, 1, alerts);
  std::printf("[ figures  ] OTRF datasets: %zu events, %.0f events/s, %zu alerts\n", all.size(),
              otrf_rate, alerts);
}

}  // namespace
}  // namespace vigil::sigma::testing
