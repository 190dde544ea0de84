// behavior_bench: what behavioural baselines cost per event and per entity.
//   behavior_bench --corpus FILE.ndjson [--geoip FILE.mmdb] [--passes N]
// Events are decoded, normalized and enriched first (untimed except for the
// normalize+enrich reference line); then the thread CPU time of
// BehaviorDetector::on_event over every event is measured, and the heap held
// by the detector (mallinfo2) is divided by the entities it tracks.
#include <malloc.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "behavior/behavior_detector.h"
#include "config/config.h"
#include "core/timestamp.h"
#include "detector_bench.h"
#include "enrich/enricher.h"
#include "ingest/json_parser.h"
#include "normalize/normalizer.h"

namespace {

size_t heap_bytes() {
  return mallinfo2().uordblks;
}

}  // namespace

int main(int argc, char** argv) {
  const auto args = vigil::bench::parse_detector_bench_args(argc, argv, "behavior_bench", 1);
  if (!args) return 2;
  const int passes = args->passes;
  vigil::Config config = vigil::default_config();
  config.enrich.geoip = args->geoip;
  config.sanitize.pseudonymize_key = "behavior-bench-key-0123456789";
  vigil::Normalizer normalizer(config.normalize);
  auto enricher = vigil::Enricher::create(config.enrich);
  auto sanitizer = vigil::Sanitizer::create(config.sanitize);
  if (!enricher || !sanitizer) {
    std::fprintf(stderr, "setup failed\n");
    return 1;
  }
  std::vector<vigil::Event> events = vigil::bench::read_corpus(args->corpus);
  const double prep0 = vigil::bench::thread_cpu_s();
  for (auto& e : events) {
    normalizer.normalize(e);
    (*enricher)->enrich(e);
  }
  const double prep_s = vigil::bench::thread_cpu_s() - prep0;

  const size_t heap0 = heap_bytes();
  auto detector =
      vigil::behavior::BehaviorDetector::create(config.behavior, *sanitizer, nullptr, nullptr);
  if (!detector) {
    std::fprintf(stderr, "%s\n", detector.error().message.c_str());
    return 1;
  }
  const size_t heap_parser = heap_bytes();
  vigil::bench::CountingSink sink;
  double best = 1e9;
  for (int p = 0; p < passes; ++p) {
    // Later passes replay the same events a week later each time, so
    // baselines keep learning instead of seeing time go backwards.
    const int64_t shift = int64_t{p} * 28 * 86400 * 1'000'000;
    for (auto& e : events) e.time.micros += shift;
    const double t0 = vigil::bench::thread_cpu_s();
    for (auto& e : events) (*detector)->on_event(e, sink);
    best = std::min(best, vigil::bench::thread_cpu_s() - t0);
    for (auto& e : events) e.time.micros -= shift;
  }
  const size_t entities = (*detector)->tracked_entities();
  const size_t heap1 = heap_bytes();
  std::printf(
      "{\"events\":%zu,\"entities\":%zu,\"alerts\":%zu,\"behavior_ns_per_event\":%.0f,"
      "\"normalize_enrich_ns_per_event\":%.0f,\"detector_setup_heap_bytes\":%zu,"
      "\"heap_bytes_per_entity\":%.0f}\n",
      events.size(), entities, sink.alerts, best * 1e9 / static_cast<double>(events.size()),
      prep_s * 1e9 / static_cast<double>(events.size()), heap_parser - heap0,
      entities ? static_cast<double>(heap1 - heap_parser) / static_cast<double>(entities) : 0.0);
  return 0;
}
