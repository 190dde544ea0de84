// Exact text for each metric type: Prometheus parses this byte for byte, so
// the tests compare whole strings rather than substrings.
#include <gtest/gtest.h>

#include <limits>

#include "metrics/metrics.h"

namespace vigil::metrics {
namespace {

TEST(MetricExposition, UnlabelledCounterAndGauge) {
  Registry r;
  r.counter("jobs_done_total", "Jobs done").inc(3);
  Gauge& g = r.gauge("queue_items", "Items\nwaiting \\ now");
  g.set(10);
  g.dec(4);
  EXPECT_EQ(r.render(),
            "# HELP jobs_done_total Jobs done\n"
            "# TYPE jobs_done_total counter\n"
            "jobs_done_total 3\n"
            "# HELP queue_items Items\\nwaiting \\\\ now\n"
            "# TYPE queue_items gauge\n"
            "queue_items 6\n");
}

TEST(MetricExposition, TwoLabelCounterRendersFixedValuesAndInternedOnesSeen) {
  Registry r;
  LabelInterner& kinds = r.interner(4);
  auto& t = r.counter_table(
      "events_total", "Events",
      {LabelDim::interned("kind", kinds), LabelDim::fixed("level", {"low", "high"})});
  t.at(kinds.intern("login"), 1).inc(2);
  t.at(kinds.intern("logout"), 0).inc();
  EXPECT_EQ(r.render(),
            "# HELP events_total Events\n"
            "# TYPE events_total counter\n"
            "events_total{kind=\"login\",level=\"low\"} 0\n"
            "events_total{kind=\"login\",level=\"high\"} 2\n"
            "events_total{kind=\"logout\",level=\"low\"} 1\n"
            "events_total{kind=\"logout\",level=\"high\"} 0\n");
}

TEST(MetricExposition, SparseLabelHidesZeroSeries) {
  Registry r;
  auto& t = r.counter_table("requests_total", "Requests",
                            {LabelDim::sparse("code", {"200", "404", "500"})});
  t.at(2).inc();
  EXPECT_EQ(r.render(),
            "# HELP requests_total Requests\n"
            "# TYPE requests_total counter\n"
            "requests_total{code=\"500\"} 1\n");
}

TEST(MetricExposition, HistogramIsCumulativeWithSumAndCount) {
  Registry r;
  Histogram& h = r.histogram("latency_seconds", "Latency", {0.005, 0.1, 1, 2.5});
  for (double v : {0.001, 0.005, 0.05, 0.5, 3.0}) h.observe(v);
  h.observe(std::numeric_limits<double>::quiet_NaN());  // ignored
  EXPECT_EQ(r.render(),
            "# HELP latency_seconds Latency\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{le=\"0.005\"} 2\n"
            "latency_seconds_bucket{le=\"0.1\"} 3\n"
            "latency_seconds_bucket{le=\"1\"} 4\n"
            "latency_seconds_bucket{le=\"2.5\"} 4\n"
            "latency_seconds_bucket{le=\"+Inf\"} 5\n"
            "latency_seconds_sum 3.556\n"
            "latency_seconds_count 5\n");
}

TEST(MetricExposition, EscapesLabelValues) {
  fmt::memory_buffer out;
  append_label_value(out, "a\"b\\c\nd");
  EXPECT_EQ(fmt::to_string(out), "a\\\"b\\\\c\\nd");
  out.clear();
  append_label_value(out, "ok\xff\"");  // invalid UTF-8 must not reach the scrape
  EXPECT_EQ(fmt::to_string(out), "ok\xEF\xBF\xBD\\\"");
  out.clear();
  append_label_value(out, "Jos\xC3\xA9");  // valid UTF-8 passes through
  EXPECT_EQ(fmt::to_string(out), "Jos\xC3\xA9");
}

TEST(MetricExposition, FormatsSpecialFloats) {
  fmt::memory_buffer out;
  append_float(out, std::numeric_limits<double>::infinity());
  out.push_back(' ');
  append_float(out, -std::numeric_limits<double>::infinity());
  out.push_back(' ');
  append_float(out, std::numeric_limits<double>::quiet_NaN());
  out.push_back(' ');
  append_float(out, 1e-06);
  EXPECT_EQ(fmt::to_string(out), "+Inf -Inf NaN 1e-06");
}

TEST(MetricExposition, RejectsBadNamesAndDuplicates) {
  Registry r;
  EXPECT_THROW(r.counter("9lives_total", "x"), std::invalid_argument);
  EXPECT_THROW(r.counter("has-dash_total", "x"), std::invalid_argument);
  EXPECT_THROW(r.counter_table("a_total", "x", {LabelDim::fixed("__reserved", {"v"})}),
               std::invalid_argument);
  EXPECT_THROW(r.counter_table("b_total", "x", {LabelDim::fixed("le", {"v"})}),
               std::invalid_argument);
  EXPECT_THROW(r.counter_table("c_total", "x", {LabelDim::fixed("k", {"v", "v"})}),
               std::invalid_argument);
  EXPECT_THROW(r.histogram("h_seconds", "x", {1, 1}), std::invalid_argument);
  r.counter("ok_total", "x");
  EXPECT_THROW(r.gauge("ok_total", "x"), std::invalid_argument);
}

}  // namespace
}  // namespace vigil::metrics
