#include "metrics/vigil_metrics.h"

#include <algorithm>
#include <vector>

#include "metrics/processed_events_batch.h"

namespace vigil::metrics {
namespace {

constexpr int kFirstHttpCode = 100;
constexpr int kLastHttpCode = 599;

// Per-event work is microseconds; Prometheus' default buckets (5 ms..10 s)
// would put every observation in the first one.
std::vector<double> event_seconds_bounds() {
  return {1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 5e-3, 0.01, 0.1, 1};
}

// One observation per batch write: sub-millisecond for small batches, up to
// seconds when the disk stalls (fsync with synchronous=full).
std::vector<double> store_seconds_bounds() {
  return {1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::vector<std::string> severity_names() {
  std::vector<std::string> v;
  for (int i = 0; i < kSeverityCount; ++i) v.emplace_back(to_string(static_cast<Severity>(i)));
  return v;
}

std::vector<std::string> reject_reason_names() {
  std::vector<std::string> v;
  for (size_t i = 0; i < kRejectReasonCount; ++i) {
    v.emplace_back(to_string(static_cast<RejectReason>(i)));
  }
  return v;
}

std::vector<std::string> http_code_names() {
  std::vector<std::string> v;
  for (int c = kFirstHttpCode; c <= kLastHttpCode; ++c) v.push_back(std::to_string(c));
  v.emplace_back("other");
  return v;
}

size_t event_type_capacity(const MetricsConfig& config) {
  return static_cast<size_t>(
      std::clamp<int64_t>(config.max_event_type_labels, 0, VigilMetrics::kMaxEventTypeLabelsLimit));
}

}  // namespace

size_t VigilMetrics::http_code_index(int status_code) {
  if (status_code < kFirstHttpCode || status_code > kLastHttpCode) {
    return kLastHttpCode - kFirstHttpCode + 1;
  }
  return static_cast<size_t>(status_code - kFirstHttpCode);
}

// The same staging as the pipeline's, published at once: one way to count
// a processed event.
void VigilMetrics::record_processed(std::string_view event_type, Severity s, Timestamp received) {
  ProcessedEventsBatch batch(*this);
  batch.record(event_type, s, received);
}

void VigilMetrics::set_queue_depth(uint64_t depth, uint64_t capacity) {
  queue_depth.set(static_cast<int64_t>(depth));
  queue_capacity.set(static_cast<int64_t>(capacity));
}

void VigilMetrics::record_store_write(double seconds, uint64_t events, bool ok) {
  store_write_seconds.observe(seconds);
  if (ok) {
    store_events_written.inc(events);
  } else {
    store_write_errors.inc();
  }
}

VigilMetrics::VigilMetrics(const MetricsConfig& config)
    : event_types(registry.interner(event_type_capacity(config))),
      anomaly_types(registry.interner(kMaxAnomalyTypeLabels)),
      rules(registry.interner(kMaxRuleLabels)),
      alert_outputs(registry.interner(kMaxAlertOutputLabels)),
      events_processed(registry.counter_table("security_events_processed_total",
                                              "Total security events processed",
                                              {LabelDim::interned("event_type", event_types),
                                               LabelDim::fixed("severity", severity_names())})),
      anomalies_detected(
          registry.counter_table("security_anomalies_detected_total", "Total anomalies detected",
                                 {LabelDim::interned("anomaly_type", anomaly_types)})),
      event_processing_seconds(registry.histogram("security_event_processing_seconds",
                                                  "Time to process security events",
                                                  event_seconds_bounds())),
      active_threats(
          registry.gauge("active_security_threats", "Currently active security threats")),
      ingest_events_accepted(registry.counter("vigil_ingest_events_accepted_total",
                                              "Events accepted by ingest and queued")),
      ingest_events_rejected(registry.counter_table(
          "vigil_ingest_events_rejected_total", "Events refused by ingest, by reason",
          {LabelDim::fixed("reason", reject_reason_names())})),
      queue_depth(registry.gauge("vigil_queue_depth", "Events waiting in the ingest queue")),
      queue_capacity(
          registry.gauge("vigil_queue_capacity", "Capacity of the ingest queue in events")),
      store_write_seconds(registry.histogram("vigil_store_write_seconds",
                                             "Time to write one batch of events to the store",
                                             store_seconds_bounds())),
      store_events_written(
          registry.counter("vigil_store_events_written_total", "Events written to the store")),
      store_write_errors(
          registry.counter("vigil_store_write_errors_total", "Failed batch writes to the store")),
      http_requests(registry.counter_table("vigil_http_requests_total",
                                           "HTTP API requests answered, by status code",
                                           {LabelDim::sparse("code", http_code_names())})),
      alerts(registry.counter_table(
          "vigil_alerts_total", "Alerts raised, by rule and severity",
          {LabelDim::interned("rule", rules), LabelDim::fixed("severity", severity_names())})),
      alerts_deduplicated(registry.counter(
          "vigil_alerts_deduplicated_total",
          "Detections folded into an existing alert (same rule and entity within the window)")),
      alert_output_sent(registry.counter_table("vigil_alert_output_sent_total",
                                               "Alerts delivered, by output",
                                               {LabelDim::interned("output", alert_outputs)})),
      alert_output_failed(
          registry.counter_table("vigil_alert_output_failures_total",
                                 "Alerts an output failed to deliver after its retries, by output",
                                 {LabelDim::interned("output", alert_outputs)})),
      alert_output_dropped(
          registry.counter_table("vigil_alert_output_dropped_total",
                                 "Alerts dropped because an output's queue was full, by output",
                                 {LabelDim::interned("output", alert_outputs)})),
      correlation_groups(registry.gauge("vigil_correlation_groups",
                                        "Correlation groups (rule + group-by values) in memory")),
      correlation_groups_evicted(registry.counter(
          "vigil_correlation_groups_evicted_total",
          "Correlation groups evicted by the state cap (least recently seen first)")),
      correlation_groups_expired(
          registry.counter("vigil_correlation_groups_expired_total",
                           "Correlation groups dropped because their window passed")),
      correlation_entries_dropped(
          registry.counter("vigil_correlation_entries_dropped_total",
                           "Window entries dropped by the per-group cap (oldest first)")),
      correlation_late_events(registry.counter(
          "vigil_correlation_late_events_total",
          "Events older than the newest seen, within the allowed lateness (correlated)")),
      correlation_too_late_events(
          registry.counter("vigil_correlation_too_late_events_total",
                           "Events older than the allowed lateness (ignored by correlation)")),
      correlation_evidence_refused(registry.counter(
          "vigil_correlation_evidence_refused_total",
          "Correlated events kept without their evidence (detect.correlation.max_evidence_mb "
          "spent)")) {}

}  // namespace vigil::metrics
