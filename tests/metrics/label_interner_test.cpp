#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "metrics/metrics.h"

namespace vigil::metrics {
namespace {

TEST(MetricLabelInterner, CollapsesBeyondCapacityIntoOther) {
  LabelInterner in(2);
  const uint32_t a = in.intern("a");
  const uint32_t b = in.intern("b");
  EXPECT_NE(a, b);
  EXPECT_FALSE(in.overflow_used());
  EXPECT_EQ(in.intern("c"), in.overflow_index());
  EXPECT_EQ(in.intern("d"), in.overflow_index());
  EXPECT_TRUE(in.overflow_used());
  EXPECT_EQ(in.intern("a"), a);  // known values keep their index after the set is full
  EXPECT_EQ(in.size(), 2u);
  EXPECT_EQ(in.value(in.overflow_index()), "other");
}

TEST(MetricLabelInterner, OtherEmptyAndHugeValuesShareTheOverflowIndex) {
  LabelInterner in(8);
  // An event type literally named "other" must not render a second "other" series.
  EXPECT_EQ(in.intern("other"), in.overflow_index());
  EXPECT_EQ(in.intern(""), in.overflow_index());
  EXPECT_EQ(in.intern(std::string(LabelInterner::kMaxValueBytes + 1, 'x')), in.overflow_index());
  EXPECT_NE(in.intern(std::string(LabelInterner::kMaxValueBytes, 'x')), in.overflow_index());
}

TEST(MetricLabelInterner, ManyThreadsAgreeOnIndices) {
  constexpr size_t kCapacity = 50;
  LabelInterner in(kCapacity);
  constexpr int kThreads = 4;
  std::vector<std::vector<uint32_t>> seen(kThreads, std::vector<uint32_t>(100));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        for (int v = 0; v < 100; ++v) {
          // Each thread walks all values in its own order (multipliers coprime to 100).
          static constexpr int kStride[kThreads] = {1, 3, 7, 9};
          const int value = (v * kStride[t] + round) % 100;
          const uint32_t idx = in.intern("type_" + std::to_string(value));
          if (round == 0) {
            seen[t][value] = idx;
          } else {
            ASSERT_EQ(seen[t][value], idx);
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(in.size(), kCapacity);
  std::set<uint32_t> distinct;
  size_t overflowed = 0;
  for (int v = 0; v < 100; ++v) {
    for (int t = 1; t < kThreads; ++t) EXPECT_EQ(seen[t][v], seen[0][v]) << v;
    if (seen[0][v] == in.overflow_index()) {
      ++overflowed;
    } else {
      distinct.insert(seen[0][v]);
      EXPECT_EQ(in.value(seen[0][v]), "type_" + std::to_string(v));
    }
  }
  EXPECT_EQ(distinct.size(), kCapacity);
  EXPECT_EQ(overflowed, 100 - kCapacity);
}

TEST(MetricLabelInterner, EventTypesBeyondConfiguredLimitRenderAsOther) {
  MetricsConfig config;
  config.max_event_type_labels = 3;
  VigilMetrics m(config);
  for (const char* t : {"authentication_failure", "data_access", "permission_change",
                        "database_query", "weird_thing"}) {
    m.event_processed(m.event_type_index(t), Severity::kHigh).inc();
  }
  const std::string text = m.render();
  EXPECT_NE(text.find("security_events_processed_total{event_type=\"permission_change\","
                      "severity=\"high\"} 1\n"),
            std::string::npos);
  EXPECT_NE(
      text.find("security_events_processed_total{event_type=\"other\",severity=\"high\"} 2\n"),
      std::string::npos);
  EXPECT_EQ(text.find("database_query"), std::string::npos);
  EXPECT_EQ(text.find("weird_thing"), std::string::npos);
}

}  // namespace
}  // namespace vigil::metrics
