// sigma_tree_bench: RuleSet::match with a whole Sigma rule tree (SigmaHQ's
// rules/) over Windows events, one thread, for profiling and for the
// throughput figures of docs/benchmarks.md.
//   sigma_tree_bench --rules DIR --thor FILE [--passes N] [--per-rule FILE] [--per-event FILE]
//                    [--no-huge-pages] EVENTS...
// EVENTS are files (NDJSON, arrays or concatenated objects; `.gz` through
// gzip -dc) or directories (their `.json` files, recursively). Prints one
// JSON line: rules, build time and memory, events per CPU second (best
// pass), and matches per pass (which must not change when the engine is
// made faster); --per-rule writes each rule's matches of one pass (id,
// count, title) to FILE, for comparing two builds rule by rule; --per-event
// writes every match of one pass (event number, rule id, the matched fields
// as JSON), for comparing them event by event; --no-huge-pages builds the
// set without huge pages (RuleSetOptions::huge_pages_from_lines), to
// measure them.
#include <malloc.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/allocator_tuning.h"
#include "core/json_writer.h"
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

// One pass, untimed: each rule that fired, by id, with its count and title.
void write_per_rule(const vigil::sigma::RuleSet& set, const std::vector<vigil::Value>& events,
                    const fs::path& file) {
  std::map<std::string, std::pair<size_t, std::string>> counts;
  for (const auto& e : events) {
    for (const auto& m : set.match(e)) {
      auto& c = counts[m.rule->meta.id];
      c.first += 1;
      c.second = m.rule->meta.title;
    }
  }
  std::FILE* out = std::fopen(file.c_str(), "w");
  if (out == nullptr) return;
  for (const auto& [id, c] : counts)
    std::fprintf(out, "%s %zu %s\n", id.c_str(), c.first, c.second.c_str());
  std::fclose(out);
}

// One pass, untimed: each match as "event rule-id {matched fields}".
void write_per_event(const vigil::sigma::RuleSet& set, const std::vector<vigil::Value>& events,
                     const fs::path& file) {
  std::FILE* out = std::fopen(file.c_str(), "w");
  if (out == nullptr) return;
  for (size_t i = 0; i < events.size(); ++i) {
    for (const auto& m : set.match(events[i])) {
      std::fprintf(out, "%zu %s %s\n", i, m.rule->meta.id.c_str(),
                   vigil::to_json(m.fields).c_str());
    }
  }
  std::fclose(out);
}

}  // namespace

int main(int argc, char** argv) {
  vigil::tune_allocator();  // as vigil runs
  fs::path rules, thor, per_rule, per_event;
  int passes = 3;
  vigil::sigma::RuleSetOptions options;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--rules" && i + 1 < argc) {
      rules = argv[++i];
    } else if (a == "--thor" && i + 1 < argc) {
      thor = argv[++i];
    } else if (a == "--per-rule" && i + 1 < argc) {
      per_rule = argv[++i];
    } else if (a == "--per-event" && i + 1 < argc) {
      per_event = argv[++i];
    } else if (a == "--no-huge-pages") {
      options.huge_pages_from_lines = SIZE_MAX;
    } else if (a == "--passes" && i + 1 < argc) {
      passes = std::atoi(argv[++i]);
    } else {
      inputs.emplace_back(a);
    }
  }
  if (rules.empty() || inputs.empty()) {
    std::fprintf(stderr,
                 "usage: sigma_tree_bench --rules DIR [--thor FILE] [--passes N] [--per-rule FILE] "
                 "[--per-event FILE] [--no-huge-pages] EVENTS...\n");
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
  const vigil::sigma::RuleSet set(loaded.rules, std::move(*mappings), options);
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
  if (!per_rule.empty()) write_per_rule(set, events, per_rule);
  if (!per_event.empty()) write_per_event(set, events, per_event);
  constexpr double kMiB = 1024.0 * 1024.0;
  std::printf(
      "{\"rules\":%zu,\"events\":%zu,\"load_cpu_s\":%.2f,\"build_cpu_s\":%.2f,"
      "\"rules_rss_mib\":%.1f,\"set_rss_mib_after_trim\":%.1f,\"events_per_cpu_s\":%.0f,"
      "\"matches_per_pass\":%zu,\"gated_bindings\":%zu,\"bindings\":%zu,\"literals\":%zu,"
      "\"whole_text_literals\":%zu,\"anchored_literals\":%zu,\"pinned_literals\":%zu,"
      "\"gram_literals\":%zu,\"hs_mib\":%.1f,\"huge_regions\":%zu,\"huge_collapsed\":%zu}\n",
      set.rule_count(), events.size(), load_s, build_s,
      (static_cast<double>(rss1) - static_cast<double>(rss0)) / kMiB,
      (static_cast<double>(rss2) - static_cast<double>(rss1)) / kMiB,
      static_cast<double>(events.size()) / best, matches, set.gated_rules().first,
      set.gated_rules().second, set.literal_stats().literals, set.literal_stats().whole_texts,
      set.literal_stats().anchored, set.literal_stats().pinned, set.literal_stats().grams,
      set.literal_stats().bytes / kMiB, set.huge_page_regions().regions,
      set.huge_page_regions().collapsed);
  return 0;
}
