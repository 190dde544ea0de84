// What the per-detector benches (behavior_bench, ml_bench, sigma_bench) share:
// their command line, a thread CPU clock, resident memory, an alert sink that only counts, and the
// corpus read into events (decoded, times from `timestamp`; not yet
// normalized or enriched, which each bench times or not as it needs).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alert/alert.h"
#include "core/event.h"
#include "core/timestamp.h"
#include "ingest/json_parser.h"

namespace vigil::bench {

struct DetectorBenchArgs {
  std::string corpus;
  std::string geoip;
  int passes = 1;
  std::string labels;    // ml_bench: labelled anomalies for the separability probe
  std::string features;  // ml_bench: the probe's feature columns (comma-separated)
  int trees = 0;         // ml_bench probe: n_estimators (0: the config's)
  int max_samples = 0;   // ml_bench probe: max_samples (0: the config's)
  bool with_ml = false;  // behavior_bench: also behaviour + ML, apart and on one reading
};

// --corpus FILE [--geoip FILE] [--passes N]; nullopt (usage printed) without a corpus.
inline std::optional<DetectorBenchArgs> parse_detector_bench_args(int argc, char** argv,
                                                                  const char* name,
                                                                  int default_passes) {
  DetectorBenchArgs args;
  args.passes = default_passes;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--corpus")
      args.corpus = argv[i + 1];
    else if (a == "--geoip")
      args.geoip = argv[i + 1];
    else if (a == "--passes")
      args.passes = std::atoi(argv[i + 1]);
    else if (a == "--labels")
      args.labels = argv[i + 1];
    else if (a == "--features")
      args.features = argv[i + 1];
    else if (a == "--trees")
      args.trees = std::atoi(argv[i + 1]);
    else if (a == "--max-samples")
      args.max_samples = std::atoi(argv[i + 1]);
    else if (a == "--with-ml")
      args.with_ml = std::string(argv[i + 1]) == "1";
  }
  if (args.corpus.empty()) {
    std::fprintf(stderr, "usage: %s --corpus FILE [--geoip FILE] [--passes N]\n", name);
    return std::nullopt;
  }
  return args;
}

inline double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Resident set size in bytes (Linux), for the memory a rule set takes.
inline size_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long pages = 0, resident = 0;
  const int n = std::fscanf(f, "%lu %lu", &pages, &resident);
  std::fclose(f);
  return n == 2 ? resident * static_cast<size_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

class CountingSink : public AlertSink {
 public:
  void emit(Alert a) override {
    ++alerts;
    if (count_by_rule) ++by_rule[a.rule];
  }
  size_t alerts = 0;
  bool count_by_rule = false;  // also count per rule name (to check results are unchanged)
  std::map<std::string, size_t> by_rule;
};

// Every parseable line of an NDJSON corpus as an event.
inline std::vector<Event> read_corpus(const std::string& path) {
  JsonEventParser parser(ParseLimits{});
  std::vector<Event> events;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    auto doc = parser.parse(line);
    if (!doc) continue;
    Event e;
    e.doc = std::move(*doc);
    // The seed schema's `timestamp`, else ECS `@timestamp` (20 % of the corpus).
    const Value* ts = e.doc.find("timestamp");
    if (ts == nullptr) ts = e.doc.find("@timestamp");
    if (ts && ts->is_string()) e.time = parse_iso8601(ts->as_string()).value_or(e.time);
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace vigil::bench
