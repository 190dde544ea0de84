// ml_bench: what the Isolation Forest detector costs per event.
//   ml_bench --corpus FILE.ndjson [--geoip FILE.mmdb] [--passes N]
// Events are decoded, normalized and enriched first (untimed). Then, one
// thread, thread CPU time:
//   features   MlDetector::on_event over every event before any model exists
//              (features, entity history, reservoirs; nothing scored)
//   training   one retrain_now() (general + one model per event type)
//   scored     on_event over every event again (events shifted four weeks
//              later), now scoring each through `general` and its type's model
// scored − features is the cost of scoring through all applicable models.
// Then the heap held per tracked entity by an entity table fed the same
// events (mallinfo2). Prints one JSON line.
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/timestamp.h"
#include "detector_bench.h"
#include "enrich/enricher.h"
#include "ingest/json_parser.h"
#include "ml/ml_detector.h"
#include "normalize/normalizer.h"

int main(int argc, char** argv) {
  const auto args = vigil::bench::parse_detector_bench_args(argc, argv, "ml_bench", 3);
  if (!args) return 2;
  const int passes = args->passes;
  vigil::Config config = vigil::default_config();
  config.enrich.geoip = args->geoip;
  config.sanitize.pseudonymize_key = "ml-bench-key-0123456789abcdef";
  vigil::Normalizer normalizer(config.normalize);
  auto enricher = vigil::Enricher::create(config.enrich);
  auto sanitizer = vigil::Sanitizer::create(config.sanitize);
  if (!enricher || !sanitizer) {
    std::fprintf(stderr, "setup failed\n");
    return 1;
  }
  std::vector<vigil::Event> events = vigil::bench::read_corpus(args->corpus);
  for (auto& e : events) {
    normalizer.normalize(e);
    (*enricher)->enrich(e);
  }
  // As the engine does: user agents read with behavior:'s uap-core parser.
  vigil::ml::MlDetector::Options options{.background = false};
  if (auto parser = vigil::behavior::DeviceParser::load(config.behavior.user_agent_regexes))
    options.devices = std::move(*parser);
  auto detector = vigil::ml::MlDetector::create(config.ml, *sanitizer, nullptr, options);
  if (!detector) {
    std::fprintf(stderr, "%s\n", detector.error().message.c_str());
    return 1;
  }
  vigil::ml::MlDetector& d = **detector;
  vigil::bench::CountingSink sink;
  const double n = static_cast<double>(events.size());
  const double f0 = vigil::bench::thread_cpu_s();
  for (auto& e : events) d.on_event(e, sink);
  const double features_s = vigil::bench::thread_cpu_s() - f0;

  const double t0 = vigil::bench::thread_cpu_s();
  const size_t models = d.retrain_now();
  const double training_s = vigil::bench::thread_cpu_s() - t0;

  double best = 1e9;
  for (int p = 1; p <= passes; ++p) {
    const int64_t shift = int64_t{p} * 28 * 86400 * 1'000'000;
    for (auto& e : events) e.time.micros += shift;
    sink.alerts = 0;
    const double s0 = vigil::bench::thread_cpu_s();
    for (auto& e : events) d.on_event(e, sink);
    best = std::min(best, vigil::bench::thread_cpu_s() - s0);
    for (auto& e : events) e.time.micros -= shift;
  }
  // Memory per tracked entity: the entity table alone, fed the same events
  // (the detector's own heap also holds the reservoirs and models).
  const size_t heap0 = mallinfo2().uordblks;
  vigil::ml::FactReader reader(config.ml, options.devices);
  vigil::ml::EntityTable table(config.ml.max_entities, {});
  for (const auto& e : events) {
    vigil::ml::FeatureRow row{};
    if (auto facts = reader.read(e)) table.observe(*facts, row);
  }
  const double per_entity = static_cast<double>(mallinfo2().uordblks - heap0) /
                            static_cast<double>(std::max<size_t>(1, table.size()));
  std::printf(
      "{\"heap_bytes_per_entity\":%.0f,\"events\":%zu,\"entities\":%zu,\"models\":%zu,\"training_"
      "s\":%.3f,"
      "\"features_ns_per_event\":%.0f,\"scored_ns_per_event\":%.0f,"
      "\"scoring_ns_per_event\":%.0f,\"alerts_last_pass\":%zu}\n",
      per_entity, events.size(), d.tracked_entities(), models, training_s, features_s * 1e9 / n,
      best * 1e9 / n, (best - features_s) * 1e9 / n, sink.alerts);
  return 0;
}
