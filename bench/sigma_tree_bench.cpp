// sigma_tree_bench: RuleSet::match with a whole Sigma rule tree (SigmaHQ's
// rules/) over Windows events, one thread, for profiling and for the
// throughput figures of docs/benchmarks.md.
//   sigma_tree_bench --rules DIR --thor FILE [--passes N] EVENTS...
// EVENTS are files (NDJSON, arrays or concatenated objects; `.gz` through
// gzip -dc) or directories (their `.json` files, recursively). Prints one
// JSON line: rules, build time and memory, events per CPU second (best
// pass), and matches per pass (which must not change when the engine is
// made faster).
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/allocator_tuning.h"
#include "detect/sigma.h"
#include "detector_bench.h"

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& file) {
  const bool gz = file.extension() == ".gz";
  const std::string cmd = (gz ? "gzip -dc '" : "cat '") + file.string() + "'";
  std::string out;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[1 << 16];
  for (size_t n = 0; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  return out;
}

void add_events(const fs::path& file, std::vector<vigil::Value>& out) {
  auto events = vigil::sigma::parse_events(read_text(file));
  if (!events) {
    std::fprintf(stderr, "sigma_tree_bench: %s: %s\n", file.c_str(),
                 events.error().message.c_str());
    return;
  }
  for (auto& e : *events) out.push_back(std::move(e));
}

}  // namespace

int main(int argc, char** argv) {
  vigil::tune_allocator();  // as vigil runs
  fs::path rules, thor;
  int passes = 3;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--rules" && i + 1 < argc) {
      rules = argv[++i];
    } else if (a == "--thor" && i + 1 < argc) {
      thor = argv[++i];
    } else if (a == "--passes" && i + 1 < argc) {
      passes = std::atoi(argv[++i]);
    } else {
      inputs.emplace_back(a);
    }
  }
  if (rules.empty() || inputs.empty()) {
    std::fprintf(stderr,
                 "usage: sigma_tree_bench --rules DIR [--thor FILE] [--passes N] EVENTS...\n");
    return 2;
  }
  std::vector<vigil::Value> events;
  for (const auto& in : inputs) {
    if (!fs::is_directory(in)) {
      add_events(in, events);
      continue;
    }
    for (const auto& entry : fs::recursive_directory_iterator(in)) {
      if (entry.path().extension() == ".json") add_events(entry.path(), events);
    }
  }
  const size_t rss0 = vigil::bench::resident_bytes();
  const double l0 = vigil::bench::thread_cpu_s();
  const auto loaded = vigil::sigma::load_rules({rules});
  const double load_s = vigil::bench::thread_cpu_s() - l0;
  auto mappings = vigil::sigma::default_mappings(thor.empty() ? std::vector<fs::path>{}
                                                              : std::vector<fs::path>{thor});
  if (!mappings) {
    std::fprintf(stderr, "sigma_tree_bench: %s\n", mappings.error().message.c_str());
    return 1;
  }
  const size_t rss1 = vigil::bench::resident_bytes();
  const double b0 = vigil::bench::thread_cpu_s();
  const vigil::sigma::RuleSet set(loaded.rules, std::move(*mappings));
  const double build_s = vigil::bench::thread_cpu_s() - b0;
  ::malloc_trim(0);
  const size_t rss2 = vigil::bench::resident_bytes();

  double best = 1e9;
  size_t matches = 0;
  for (int p = 0; p < passes; ++p) {
    matches = 0;
    const double t0 = vigil::bench::thread_cpu_s();
    for (const auto& e : events) matches += set.match(e).size();
    best = std::min(best, vigil::bench::thread_cpu_s() - t0);
  }
  constexpr double kMiB = 1024.0 * 1024.0;
  std::printf(
      "{\"rules\":%zu,\"events\":%zu,\"load_cpu_s\":%.2f,\"build_cpu_s\":%.2f,"
      "\"rules_rss_mib\":%.1f,\"set_rss_mib_after_trim\":%.1f,\"events_per_cpu_s\":%.0f,"
      "\"matches_per_pass\":%zu,\"gated_bindings\":%zu,\"bindings\":%zu,\"literals\":%zu,"
      "\"whole_text_literals\":%zu,\"hs_mib\":%.1f}\n",
      set.rule_count(), events.size(), load_s, build_s,
      (static_cast<double>(rss1) - static_cast<double>(rss0)) / kMiB,
      (static_cast<double>(rss2) - static_cast<double>(rss1)) / kMiB,
      static_cast<double>(events.size()) / best, matches, set.gated_rules().first,
      set.gated_rules().second, set.literal_stats().literals, set.literal_stats().whole_texts,
      set.literal_stats().bytes / kMiB);
  return 0;
}
