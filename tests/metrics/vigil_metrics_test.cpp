#include <gtest/gtest.h>

#include <string>

#include "metrics/metrics.h"

namespace vigil::metrics {
namespace {

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST(MetricVigil, DeclaresEverySeriesWithHelpAndType) {
  VigilMetrics m;
  const std::string text = m.render();
  for (const char* family :
       {"security_events_processed_total counter", "security_anomalies_detected_total counter",
        "security_event_processing_seconds histogram", "active_security_threats gauge",
        "vigil_ingest_events_accepted_total counter", "vigil_ingest_events_rejected_total counter",
        "vigil_queue_depth gauge", "vigil_queue_capacity gauge",
        "vigil_store_write_seconds histogram", "vigil_store_events_written_total counter",
        "vigil_store_write_errors_total counter", "vigil_http_requests_total counter",
        "vigil_alerts_total counter"}) {
    EXPECT_TRUE(contains(text, std::string("# TYPE ") + family + "\n")) << family;
  }
}

TEST(MetricVigil, RejectReasonsStartAtZeroAndCountSeparately) {
  VigilMetrics m;
  m.ingest_rejected(RejectReason::kTooDeep).inc(2);
  const std::string text = m.render();
  EXPECT_TRUE(contains(text, "vigil_ingest_events_rejected_total{reason=\"parse_error\"} 0\n"));
  EXPECT_TRUE(contains(text, "vigil_ingest_events_rejected_total{reason=\"too_deep\"} 2\n"));
  EXPECT_TRUE(
      contains(text, "vigil_ingest_events_rejected_total{reason=\"invalid_timestamp\"} 0\n"));
}

TEST(MetricVigil, HttpCodesAreBoundedAndOnlyRenderedWhenUsed) {
  VigilMetrics m;
  m.http_request(202).inc();
  m.http_request(429).inc(3);
  m.http_request(1234).inc();
  m.http_request(-1).inc();
  const std::string text = m.render();
  EXPECT_TRUE(contains(text, "vigil_http_requests_total{code=\"202\"} 1\n"));
  EXPECT_TRUE(contains(text, "vigil_http_requests_total{code=\"429\"} 3\n"));
  EXPECT_TRUE(contains(text, "vigil_http_requests_total{code=\"other\"} 2\n"));
  EXPECT_FALSE(contains(text, "code=\"200\""));
}

TEST(MetricVigil, AlertsAndAnomaliesUseBoundedLabels) {
  VigilMetrics m;
  m.alert(m.rule_index("excessive_failed_logins"), Severity::kMedium).inc();
  for (size_t i = 0; i < VigilMetrics::kMaxAnomalyTypeLabels + 5; ++i) {
    m.anomaly_detected(m.anomaly_type_index("ml_anomaly_" + std::to_string(i))).inc();
  }
  const std::string text = m.render();
  EXPECT_TRUE(contains(
      text, "vigil_alerts_total{rule=\"excessive_failed_logins\",severity=\"medium\"} 1\n"));
  EXPECT_TRUE(contains(text, "security_anomalies_detected_total{anomaly_type=\"other\"} 5\n"));
  EXPECT_EQ(m.anomaly_types.size(), VigilMetrics::kMaxAnomalyTypeLabels);
}

TEST(MetricVigil, GaugesAndStoreSeries) {
  VigilMetrics m;
  m.queue_capacity.set(65536);
  m.queue_depth.set(17);
  m.active_threats.inc(2);
  m.store_events_written.inc(8192);
  m.store_write_seconds.observe(0.003);
  const std::string text = m.render();
  EXPECT_TRUE(contains(text, "vigil_queue_capacity 65536\n"));
  EXPECT_TRUE(contains(text, "vigil_queue_depth 17\n"));
  EXPECT_TRUE(contains(text, "active_security_threats 2\n"));
  EXPECT_TRUE(contains(text, "vigil_store_events_written_total 8192\n"));
  EXPECT_TRUE(contains(text, "vigil_store_write_seconds_bucket{le=\"0.0025\"} 0\n"));
  EXPECT_TRUE(contains(text, "vigil_store_write_seconds_bucket{le=\"0.005\"} 1\n"));
  EXPECT_TRUE(contains(text, "vigil_store_write_seconds_count 1\n"));
}

TEST(MetricVigil, RecordHelpersFeedTheRightSeries) {
  VigilMetrics m;
  m.record_processed("authentication_failure", Severity::kLow,
                     Timestamp{Timestamp::now().micros - 2000});
  m.record_processed("", Severity::kInfo, Timestamp::now());
  m.record_accepted(7);
  m.record_rejected(RejectReason::kUnauthorized);
  m.record_rejected(RejectReason::kTooDeep);
  m.record_rejected(RejectReason::kOther);
  m.set_queue_depth(5, 100);
  m.record_store_write(0.002, 10, true);
  m.record_store_write(0.5, 10, false);
  m.record_http_request(429);
  m.record_alert("privilege_escalation", Severity::kHigh);
  m.record_anomaly("unusual_location");
  const std::string text = m.render();
  for (const char* line :
       {"security_events_processed_total{event_type=\"authentication_failure\",severity=\"low\"} "
        "1\n",
        "security_events_processed_total{event_type=\"unknown\",severity=\"info\"} 1\n",
        "security_event_processing_seconds_count 2\n", "vigil_ingest_events_accepted_total 7\n",
        "vigil_ingest_events_rejected_total{reason=\"unauthorized\"} 1\n",
        "vigil_ingest_events_rejected_total{reason=\"too_deep\"} 1\n",
        "vigil_ingest_events_rejected_total{reason=\"other\"} 1\n", "vigil_queue_depth 5\n",
        "vigil_queue_capacity 100\n", "vigil_store_events_written_total 10\n",
        "vigil_store_write_errors_total 1\n", "vigil_store_write_seconds_count 2\n",
        "vigil_http_requests_total{code=\"429\"} 1\n",
        "vigil_alerts_total{rule=\"privilege_escalation\",severity=\"high\"} 1\n",
        "security_anomalies_detected_total{anomaly_type=\"unusual_location\"} 1\n"}) {
    EXPECT_TRUE(contains(text, line)) << line;
  }
  // ~2 ms from receipt: above the 1 ms bucket, within 5 ms.
  const Histogram::Snapshot h = m.event_processing_seconds.snapshot();
  EXPECT_GE(h.sum, 0.002);
}

}  // namespace
}  // namespace vigil::metrics
