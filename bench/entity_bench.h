// What behavior_bench and ml_bench share: the corpus read, normalized and
// enriched as the pipeline does before the detect stage (with the CPU time
// that took, as a reference line), a sanitizer with a fixed pseudonymizing
// key, and uap-core's user-agent parser loaded as the engine loads it.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

#include "behavior/device_parser.h"
#include "config/config.h"
#include "core/allocator_tuning.h"
#include "detector_bench.h"
#include "enrich/enricher.h"
#include "normalize/normalizer.h"
#include "sanitize/sanitizer.h"

namespace vigil::bench {

struct EntityBenchSetup {
  Config config;
  std::shared_ptr<const Sanitizer> sanitizer;
  std::shared_ptr<const behavior::DeviceParser> devices;  // null without uap-core
  std::vector<Event> events;                              // normalized and enriched
  double prepare_cpu_s = 0;                               // normalize + enrich, one thread
};

// nullopt (the reason printed) when the enricher or sanitizer cannot start.
inline std::optional<EntityBenchSetup> prepare_entity_bench(const DetectorBenchArgs& args) {
  EntityBenchSetup s;
  s.config = default_config();
  s.config.enrich.geoip = args.geoip;
  s.config.sanitize.pseudonymize_key = "entity-bench-key-0123456789abcdef";
  Normalizer normalizer(s.config.normalize);
  auto enricher = Enricher::create(s.config.enrich);
  auto sanitizer = Sanitizer::create(s.config.sanitize);
  if (!enricher || !sanitizer) {
    std::fprintf(stderr, "setup failed: %s\n",
                 (!enricher ? enricher.error() : sanitizer.error()).message.c_str());
    return std::nullopt;
  }
  s.sanitizer = *sanitizer;
  s.events = read_corpus(args.corpus);
  const double t0 = thread_cpu_s();
  for (auto& e : s.events) {
    normalizer.normalize(e);
    (*enricher)->enrich(e);
  }
  s.prepare_cpu_s = thread_cpu_s() - t0;
  if (auto parser = behavior::DeviceParser::load(s.config.behavior.user_agent_regexes))
    s.devices = std::move(*parser);
  return s;
}

// Bytes the allocator has handed out and not had back.
inline size_t heap_in_use() {
  return heap_allocated_bytes();
}

// Shifts every event's time by `weeks` x 4 weeks, so a later pass over the
// same events moves forwards in event time.
inline void shift_events(std::vector<Event>& events, int64_t four_weeks) {
  const int64_t shift = four_weeks * 28 * 86400 * 1'000'000;
  for (auto& e : events) e.time.micros += shift;
}

}  // namespace vigil::bench
