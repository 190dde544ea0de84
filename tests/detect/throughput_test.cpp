// Throughput of the whole SigmaHQ tree over the regression events and the
// OTRF Windows datasets (flat NXLog form). Prints figures for
// docs/sigma-support.md and docs/benchmarks.md, without and with the Hyperscan
// prefilter in one run; asserts both fire the same rules on every event.
// Meaningful in an optimized build without sanitizers.
#include <gtest/gtest.h>
#include <malloc.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

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

double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Events per wall-clock second and per CPU second of this thread (the
// machine is shared: the CPU-time rate is less disturbed by other processes).
struct Rate {
  double wall = 0, cpu = 0;
};

Rate events_per_second(const RuleSet& set, const std::vector<Value>& events, int rounds,
                       size_t& alerts) {
  alerts = 0;
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = thread_cpu_seconds();
  for (int r = 0; r < rounds; ++r) {
    for (const auto& e : events) alerts += set.match(e).size();
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  const double n = static_cast<double>(events.size()) * rounds;
  return {n / took.count(), n / (thread_cpu_seconds() - cpu_start)};
}

// Resident set size in bytes (Linux), for the memory a rule set takes.
size_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long pages = 0, resident = 0;
  const int n = std::fscanf(f, "%lu %lu", &pages, &resident);
  std::fclose(f);
  return n == 2 ? resident * static_cast<size_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::unique_ptr<RuleSet> build_set(const LoadResult& loaded, const fs::path& thor, bool prefilter) {
  auto mappings = default_mappings({thor});
  EXPECT_TRUE(mappings.has_value());
  return std::make_unique<RuleSet>(loaded.rules, std::move(*mappings),
                                   RuleSetOptions{.literal_prefilter = prefilter});
}

std::vector<const Rule*> fired(const RuleSet& set, const Value& e) {
  std::vector<const Rule*> out;
  for (const auto& m : set.match(e)) out.push_back(m.rule);
  return out;
}

// The same events through the set without and with the Hyperscan prefilter,
// in one run (the machine is shared: only the ratio is robust).
void compare_rates(const char* what, const RuleSet& plain, const RuleSet& fast,
                   const std::vector<Value>& events, int plain_rounds, int fast_rounds) {
  size_t plain_alerts = 0, fast_alerts = 0;
  const Rate plain_rate = events_per_second(plain, events, plain_rounds, plain_alerts);
  const Rate fast_rate = events_per_second(fast, events, fast_rounds, fast_alerts);
  std::printf(
      "[ figures  ] %s: %zu events; without prefilter x%d %.0f events/s (%.0f per CPU-s); with "
      "prefilter x%d %.0f events/s (%.0f per CPU-s), x%.1f; %zu alerts per pass\n",
      what, events.size(), plain_rounds, plain_rate.wall, plain_rate.cpu, fast_rounds,
      fast_rate.wall, fast_rate.cpu, fast_rate.cpu / plain_rate.cpu,
      fast_alerts / static_cast<size_t>(fast_rounds));
  EXPECT_EQ(plain_alerts / static_cast<size_t>(plain_rounds),
            fast_alerts / static_cast<size_t>(fast_rounds));
}

TEST(SigmaThroughput, WholeTreeOverWindowsEvents) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "timings are meaningless in a sanitizer build";
#endif
  VIGIL_REQUIRE_DATA(rules, "sigma/rules");
  VIGIL_REQUIRE_DATA(thor, "sigma/logsource/thor.yml");
  VIGIL_REQUIRE_DATA(regression, "sigma/regression");
  VIGIL_REQUIRE_DATA(otrf, "logs/otrf/windows");
  const size_t rss0 = resident_bytes();
  auto t0 = std::chrono::steady_clock::now();
  const auto loaded = load_rules({rules});
  const double load_s = seconds_since(t0);
  const size_t rss1 = resident_bytes();
  t0 = std::chrono::steady_clock::now();
  const auto plain = build_set(loaded, thor, false);
  const double plain_s = seconds_since(t0);
  const size_t rss2 = resident_bytes();
  t0 = std::chrono::steady_clock::now();
  const auto fast = build_set(loaded, thor, true);
  const double fast_s = seconds_since(t0);
  const size_t rss3 = resident_bytes();
  ::malloc_trim(0);  // what stays once the allocator returns compile-time memory
  const size_t rss3_trimmed = resident_bytes();
  const auto stats = fast->literal_stats();
  const auto [gated, bound] = fast->gated_rules();
  constexpr double kMiB = 1024.0 * 1024.0;
  std::printf("[ figures  ] load+parse %zu rules: %.2f s, RSS +%.1f MiB\n", loaded.rules.size(),
              load_s, (rss1 - rss0) / kMiB);
  std::printf("[ figures  ] rule set without prefilter: %.2f s, RSS +%.1f MiB\n", plain_s,
              (rss2 - rss1) / kMiB);
  std::printf(
      "[ figures  ] rule set with prefilter: %.2f s, RSS +%.1f MiB (+%.1f MiB after malloc_trim); "
      "%zu Hyperscan databases, %zu literals for %zu patterns, %.1f MiB (hs_database_size); %zu "
      "of %zu bound rules gated\n",
      fast_s, (rss3 - rss2) / kMiB, (static_cast<double>(rss3_trimmed) - rss2) / kMiB,
      stats.databases, stats.literals, stats.patterns, stats.bytes / kMiB, gated, bound);
  EXPECT_GT(stats.databases, 0u);

  const auto reg = regression_events(regression);
  compare_rates("regression events", *plain, *fast, reg, 3, 30);

  std::vector<Value> all;
  for (const auto& entry : fs::directory_iterator(otrf)) {
    auto events = parse_events(read_maybe_gzipped(entry.path()));
    ASSERT_TRUE(events.has_value()) << entry.path();
    std::map<std::string, size_t> counts;
    size_t differ = 0;
    for (const auto& e : *events) {
      const auto hits = fired(*fast, e);
      differ += hits == fired(*plain, e) ? 0 : 1;
      for (const Rule* r : hits)
        ++counts[r->meta.title + " [" + std::string(to_string(r->meta.level)) + "]"];
    }
    EXPECT_EQ(differ, 0u) << entry.path() << ": events where the prefilter changed the result";
    std::printf("[ dataset  ] %s: %zu events\n", entry.path().filename().c_str(), events->size());
    for (const auto& [title, n] : counts)
      std::printf("[ dataset  ]     %5zu  %s\n", n, title.c_str());
    for (auto& e : *events) all.push_back(std::move(e));
  }
  compare_rates("OTRF datasets", *plain, *fast, all, 1, 5);
}

}  // namespace
}  // namespace vigil::sigma::testing
