// Several writers and a concurrent scraper: totals must be exact once the
// writers have joined (relaxed atomics lose nothing, they only reorder).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "metrics/metrics.h"

namespace vigil::metrics {
namespace {

TEST(MetricConcurrency, CountersGaugesAndHistogramsAreExactUnderContention) {
  VigilMetrics m;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50000;
  const char* const kTypes[] = {"authentication_failure", "data_access", "database_query"};
  std::atomic<bool> writers_done{false};

  // A scraper rendering while the writers run must never see a torn series.
  std::thread scraper([&] {
    while (!writers_done.load()) {
      const std::string text = m.render();
      ASSERT_NE(text.find("# TYPE security_events_processed_total counter"), std::string::npos);
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const uint32_t type = m.event_type_index(kTypes[(i + t) % 3]);
        m.event_processed(type, static_cast<Severity>(i % kSeverityCount)).inc();
        m.ingest_events_accepted.inc();
        m.queue_depth.inc();
        m.queue_depth.dec();
        m.event_processing_seconds.observe(0.5);
        m.http_request(200).inc();
      }
    });
  }
  for (auto& w : writers) w.join();
  writers_done = true;
  scraper.join();

  constexpr uint64_t kTotal = uint64_t{kThreads} * kPerThread;
  uint64_t processed = 0;
  for (const char* type : kTypes) {
    for (int s = 0; s < kSeverityCount; ++s) {
      processed += m.event_processed(m.event_type_index(type), static_cast<Severity>(s)).value();
    }
  }
  EXPECT_EQ(processed, kTotal);
  EXPECT_EQ(m.ingest_events_accepted.value(), kTotal);
  EXPECT_EQ(m.queue_depth.value(), 0);
  EXPECT_EQ(m.http_request(200).value(), kTotal);
  const Histogram::Snapshot h = m.event_processing_seconds.snapshot();
  EXPECT_EQ(h.count, kTotal);
  EXPECT_DOUBLE_EQ(h.sum, 0.5 * kTotal);  // 0.5 sums exactly in binary
  EXPECT_NE(m.render().find("vigil_ingest_events_accepted_total 200000\n"), std::string::npos);
}

TEST(MetricConcurrency, PerWorkerBatchesPublishExactTotals) {
  VigilMetrics m;
  constexpr int kThreads = 4;
  constexpr int kBatches = 100;
  constexpr int kPerBatch = 500;
  const uint32_t login = m.event_type_index("authentication_success");
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&] {
      CounterBatch processed(m.events_processed);
      HistogramBatch seconds(m.event_processing_seconds);
      for (int b = 0; b < kBatches; ++b) {
        for (int i = 0; i < kPerBatch; ++i) {
          processed.add(login, static_cast<size_t>(i % kSeverityCount));
          seconds.observe(i % 2 ? 2e-6 : 0.25);
        }
        processed.flush();
        seconds.flush();
      }
    });
  }
  for (auto& w : workers) w.join();
  constexpr uint64_t kTotal = uint64_t{kThreads} * kBatches * kPerBatch;
  uint64_t processed = 0;
  for (int s = 0; s < kSeverityCount; ++s) {
    processed += m.event_processed(login, static_cast<Severity>(s)).value();
  }
  EXPECT_EQ(processed, kTotal);
  const Histogram::Snapshot h = m.event_processing_seconds.snapshot();
  EXPECT_EQ(h.count, kTotal);
  EXPECT_EQ(h.cumulative[1], kTotal / 2);  // le="2.5e-06": the 2 µs half
  EXPECT_NEAR(h.sum, kTotal / 2 * (2e-6 + 0.25), 1e-6);
}

TEST(MetricConcurrency, BatchFlushesOnDestruction) {
  Registry r;
  auto& t = r.counter_table("x_total", "x", {LabelDim::fixed("k", {"a", "b"})});
  {
    CounterBatch batch(t);
    batch.add(1, 0, 5);
    EXPECT_EQ(t.at(1).value(), 0u);  // nothing published before a flush
  }
  EXPECT_EQ(t.at(1).value(), 5u);
}

// The pipeline's per-event staging: counts by event type and severity, and
// one processing-time observation per event, measured at the flush from each
// event's receive time; nothing is published before the flush.
TEST(ProcessedEventsBatch, PublishesEveryEventAtTheFlush) {
  VigilMetrics m;
  const Timestamp now = Timestamp::now();
  const Timestamp an_hour_ago{now.micros - 3'600'000'000};
  {
    ProcessedEventsBatch batch(m);
    for (int i = 0; i < 7; ++i) batch.record("authentication_failure", Severity::kLow, now);
    batch.record("", Severity::kInfo, an_hour_ago);
    batch.record("authentication_failure", Severity::kHigh, an_hour_ago);
    batch.record("authentication_failure", Severity::kLow, now);
    const uint32_t failure = m.event_type_index("authentication_failure");
    EXPECT_EQ(m.event_processed(failure, Severity::kLow).value(), 0u);
    EXPECT_EQ(m.event_processing_seconds.snapshot().count, 0u);
    batch.flush();
    EXPECT_EQ(m.event_processed(failure, Severity::kLow).value(), 8u);
    EXPECT_EQ(m.event_processed(failure, Severity::kHigh).value(), 1u);
    EXPECT_EQ(m.event_processed(m.event_type_index("unknown"), Severity::kInfo).value(), 1u);
    const Histogram::Snapshot h = m.event_processing_seconds.snapshot();
    EXPECT_EQ(h.count, 10u);
    // The two events received an hour ago are past the last bound (1 s).
    EXPECT_EQ(h.count - h.cumulative[h.cumulative.size() - 2], 2u);
    EXPECT_GE(h.sum, 2 * 3600.0);
    EXPECT_LT(h.sum, 2 * 3600.0 + 10 * 60.0);
    batch.record("data_access", Severity::kMedium, now);
  }  // destroyed: flushed
  EXPECT_EQ(m.event_processed(m.event_type_index("data_access"), Severity::kMedium).value(), 1u);
  EXPECT_EQ(m.event_processing_seconds.snapshot().count, 11u);
}

}  // namespace
}  // namespace vigil::metrics
