// behavior_bench: what behavioural baselines cost per event and per entity.
//   behavior_bench --corpus FILE.ndjson [--geoip FILE.mmdb] [--passes N] [--with-ml 1]
// Events are decoded, normalized and enriched first (untimed except for the
// normalize+enrich reference line); then the thread CPU time of
// BehaviorDetector::on_event over every event is measured (best of N passes,
// each pass four weeks later in event time). Memory per entity is the heap
// the detector gives back when it is destroyed (heap_allocated_bytes), less what its
// user-agent parser holds after reading the same events (measured on a parser
// of its own: the compiled patterns, RE2's lazily built DFAs and the result
// cache, shared by all entities and by the ML detector), over the entities.
// --with-ml 1: also the behaviour and ML detectors together, each reading the
// event (as the engine ran them before session 6) and on one reading
// (ml::BehaviorAndMl, what it runs now): a first pass learns, the models are
// trained, and the best of N later passes is timed.
#include <cstdio>

#include "behavior/behavior_detector.h"
#include "behavior/observation_reader.h"
#include "core/allocator_tuning.h"
#include "entity_bench.h"
#include "ml/behavior_and_ml.h"

namespace {

// Heap held by a user-agent parser of its own once it has read every event.
size_t parser_heap(const vigil::BehaviorConfig& config, const std::vector<vigil::Event>& events) {
  const size_t before = vigil::bench::heap_in_use();
  auto parser = vigil::behavior::DeviceParser::load(config.user_agent_regexes);
  if (!parser) return 0;
  vigil::behavior::ObservationReader reader(config, std::move(*parser));
  for (const auto& e : events) (void)reader.read(e);
  return vigil::bench::heap_in_use() - before;
}

// CPU ns per event of behaviour + ML, each reading the event or sharing one reading.
double pair_ns_per_event(vigil::bench::EntityBenchSetup& s, int passes, bool shared) {
  auto b =
      vigil::behavior::BehaviorDetector::create(s.config.behavior, s.sanitizer, nullptr, nullptr);
  if (!b) return 0;
  vigil::ml::MlDetector::Options o{.background = false, .devices = (*b)->devices()};
  o.observed = s.config.behavior;
  o.learning_min_events = static_cast<uint64_t>(s.config.behavior.min_events);
  o.learning_min_days = s.config.behavior.min_days;
  auto m = vigil::ml::MlDetector::create(s.config.ml, s.sanitizer, nullptr, o);
  if (!m) return 0;
  vigil::ml::BehaviorAndMl both(*b, *m);
  vigil::bench::CountingSink sink;
  const auto pass = [&] {
    for (auto& e : s.events) {
      if (shared) {
        both.on_event(e, sink);
      } else {
        (*b)->on_event(e, sink);
        (*m)->on_event(e, sink);
      }
    }
  };
  pass();
  (*m)->retrain_now();
  double best = 1e9;
  for (int p = 1; p <= passes; ++p) {
    vigil::bench::shift_events(s.events, p);
    const double t0 = vigil::bench::thread_cpu_s();
    pass();
    best = std::min(best, vigil::bench::thread_cpu_s() - t0);
    vigil::bench::shift_events(s.events, -p);
  }
  return best * 1e9 / static_cast<double>(s.events.size());
}

}  // namespace

int main(int argc, char** argv) {
  vigil::tune_allocator();  // as vigil runs
  const auto args = vigil::bench::parse_detector_bench_args(argc, argv, "behavior_bench", 1);
  if (!args) return 2;
  auto setup = vigil::bench::prepare_entity_bench(*args);
  if (!setup) return 1;
  auto& events = setup->events;
  const size_t parser_bytes = parser_heap(setup->config.behavior, events);
  const size_t heap0 = vigil::bench::heap_in_use();
  auto detector = vigil::behavior::BehaviorDetector::create(setup->config.behavior,
                                                            setup->sanitizer, nullptr, nullptr);
  if (!detector) {
    std::fprintf(stderr, "%s\n", detector.error().message.c_str());
    return 1;
  }
  const size_t setup_heap = vigil::bench::heap_in_use() - heap0;
  vigil::bench::CountingSink sink;
  double best = 1e9;
  for (int p = 0; p < args->passes; ++p) {
    vigil::bench::shift_events(events, p);
    const double t0 = vigil::bench::thread_cpu_s();
    for (auto& e : events) (*detector)->on_event(e, sink);
    best = std::min(best, vigil::bench::thread_cpu_s() - t0);
    vigil::bench::shift_events(events, -p);
  }
  const size_t entities = (*detector)->tracked_entities();
  const size_t held = vigil::bench::heap_in_use();
  detector->reset();
  const size_t released = held - vigil::bench::heap_in_use();
  const double n = static_cast<double>(events.size());
  if (args->with_ml) {
    std::printf(
        "{\"behavior_and_ml_apart_ns_per_event\":%.0f,"
        "\"behavior_and_ml_one_reading_ns_per_event\":%.0f}\n",
        pair_ns_per_event(*setup, args->passes, false),
        pair_ns_per_event(*setup, args->passes, true));
  }
  std::printf(
      "{\"events\":%zu,\"entities\":%zu,\"alerts\":%zu,\"behavior_ns_per_event\":%.0f,"
      "\"normalize_enrich_ns_per_event\":%.0f,\"detector_setup_heap_bytes\":%zu,"
      "\"user_agent_parser_heap_bytes\":%zu,\"heap_bytes_per_entity\":%.0f}\n",
      events.size(), entities, sink.alerts, best * 1e9 / n, setup->prepare_cpu_s * 1e9 / n,
      setup_heap, parser_bytes,
      entities ? static_cast<double>(released - std::min(released, parser_bytes)) /
                     static_cast<double>(entities)
               : 0.0);
  return 0;
}
