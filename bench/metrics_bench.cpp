// Hot-path costs of the metrics registry. Hypothesis: an increment through a
// cached reference is a single relaxed add (~1 ns uncontended), and an
// interner lookup of a known event type costs a hash plus one probe (tens of
// ns), small against the ~150 ns/event parse floor.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "metrics/metrics.h"

namespace {

using vigil::Severity;
using vigil::metrics::VigilMetrics;

VigilMetrics& shared_metrics() {
  static VigilMetrics m;
  return m;
}

void BM_CounterIncCachedRef(benchmark::State& state) {
  auto& c = shared_metrics().event_processed(0, Severity::kLow);
  for (auto _ : state) c.inc();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CounterIncCachedRef)->Threads(1)->Threads(2);

void BM_InternKnownTypeThenInc(benchmark::State& state) {
  VigilMetrics& m = shared_metrics();
  const std::vector<std::string> types = {"authentication_success", "authentication_failure",
                                          "data_access", "database_query", "permission_change"};
  for (const auto& t : types) m.event_type_index(t);
  size_t i = 0;
  for (auto _ : state) {
    const std::string& t = types[i++ % types.size()];
    m.event_processed(m.event_type_index(t), Severity::kInfo).inc();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InternKnownTypeThenInc)->Threads(1)->Threads(2);

void BM_InternOverflowingType(benchmark::State& state) {
  vigil::MetricsConfig config;
  config.max_event_type_labels = 4;
  VigilMetrics m(config);
  for (int i = 0; i < 4; ++i) m.event_type_index(fmt::format("t{}", i));
  const std::string unknown = "some_type_never_seen";
  for (auto _ : state) benchmark::DoNotOptimize(m.event_type_index(unknown));
}
BENCHMARK(BM_InternOverflowingType);

void BM_HistogramObserve(benchmark::State& state) {
  auto& h = shared_metrics().event_processing_seconds;
  double v = 1e-6;
  for (auto _ : state) {
    h.observe(v);
    v = v < 1 ? v * 1.7 : 1e-6;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramObserve)->Threads(1)->Threads(2);

// What a worker pays per event when it stages counts and flushes per batch.
void BM_BatchedCountAndObserve(benchmark::State& state) {
  VigilMetrics& m = shared_metrics();
  vigil::metrics::CounterBatch processed(m.events_processed);
  vigil::metrics::HistogramBatch seconds(m.event_processing_seconds);
  const uint32_t type = m.event_type_index("authentication_success");
  size_t n = 0;
  for (auto _ : state) {
    processed.add(type, static_cast<size_t>(Severity::kInfo));
    seconds.observe(3e-6);
    if (++n % 1024 == 0) {
      processed.flush();
      seconds.flush();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BatchedCountAndObserve)->Threads(1)->Threads(2);

void BM_RenderExposition(benchmark::State& state) {
  VigilMetrics m;
  for (int i = 0; i < 64; ++i) {
    m.event_processed(m.event_type_index(fmt::format("type_{}", i)), Severity::kLow).inc();
  }
  fmt::memory_buffer out;
  for (auto _ : state) {
    out.clear();
    m.registry.render(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_RenderExposition);

}  // namespace

BENCHMARK_MAIN();
