// Every series vigil exports, declared in one place (the seed's four plus the
// component metrics each stage reports). Construct one at start-up, hand
// references to the stages, serve render() on /metrics.
//
// Hot path: resolve label indices once, then increment through a reference:
//   const uint32_t t = m.event_type_index(event_type);  // lock-free, cacheable
//   m.event_processed(t, severity).inc();
// or stage per worker with CounterBatch and flush once per batch. The
// record_*() helpers below are the one-call forms for cooler paths.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "config/config.h"
#include "core/reject_reason.h"
#include "core/severity.h"
#include "core/timestamp.h"
#include "metrics/registry.h"

namespace vigil::metrics {

struct VigilMetrics {
  // Anomaly types are partly data-derived (the seed's ml_anomaly_<event_type>)
  // and rule names number in the thousands with SigmaHQ: both are bounded.
  static constexpr size_t kMaxAnomalyTypeLabels = 32;
  static constexpr size_t kMaxRuleLabels = 256;
  static constexpr size_t kMaxAlertOutputLabels = 16;
  // Upper bound on metrics.max_event_type_labels, to bound memory whatever
  // the config says (each event type costs kSeverityCount counters).
  static constexpr size_t kMaxEventTypeLabelsLimit = 4096;

  explicit VigilMetrics(const MetricsConfig& config = MetricsConfig{});
  VigilMetrics(const VigilMetrics&) = delete;
  VigilMetrics& operator=(const VigilMetrics&) = delete;

  std::string render() const { return registry.render(); }

  // Index of an event type / anomaly type / rule name in its bounded label
  // set (values beyond the bound share the "other" index). Thread-safe and
  // lock-free for values already seen.
  uint32_t event_type_index(std::string_view v) { return event_types.intern(v); }
  uint32_t anomaly_type_index(std::string_view v) { return anomaly_types.intern(v); }
  uint32_t rule_index(std::string_view v) { return rules.intern(v); }
  uint32_t alert_output_index(std::string_view v) { return alert_outputs.intern(v); }

  Counter& event_processed(uint32_t event_type_index, Severity s) {
    return events_processed.at(event_type_index, static_cast<size_t>(s));
  }
  Counter& anomaly_detected(uint32_t anomaly_type_index) {
    return anomalies_detected.at(anomaly_type_index);
  }
  Counter& ingest_rejected(RejectReason r) {
    return ingest_events_rejected.at(static_cast<size_t>(r));
  }
  // Codes outside 100..599 count as "other".
  Counter& http_request(int status_code) { return http_requests.at(http_code_index(status_code)); }
  Counter& alert(uint32_t rule_index, Severity s) {
    return alerts.at(rule_index, static_cast<size_t>(s));
  }
  static size_t http_code_index(int status_code);

  // One-call helpers (intern + increment). record_processed is one event
  // through a ProcessedEventsBatch (the pipeline stages them per thread):
  // the time from receipt to now, and an empty event type as "unknown".
  void record_processed(std::string_view event_type, Severity s, Timestamp received);
  void record_accepted(uint64_t n) { ingest_events_accepted.inc(n); }
  void record_rejected(RejectReason r) { ingest_rejected(r).inc(); }
  void set_queue_depth(uint64_t depth, uint64_t capacity);
  void record_store_write(double seconds, uint64_t events, bool ok);
  void record_http_request(int status_code) { http_request(status_code).inc(); }
  void record_alert(std::string_view rule, Severity s) { alert(rule_index(rule), s).inc(); }
  void record_anomaly(std::string_view anomaly_type) {
    anomaly_detected(anomaly_type_index(anomaly_type)).inc();
  }

  Registry registry;  // first: every member below lives in it
  LabelInterner& event_types;
  LabelInterner& anomaly_types;
  LabelInterner& rules;
  LabelInterner& alert_outputs;

  // The seed's series.
  MetricTable<Counter>& events_processed;    // security_events_processed_total{event_type,severity}
  MetricTable<Counter>& anomalies_detected;  // security_anomalies_detected_total{anomaly_type}
  Histogram& event_processing_seconds;       // security_event_processing_seconds
  Gauge& active_threats;                     // active_security_threats

  // Components.
  Counter& ingest_events_accepted;               // vigil_ingest_events_accepted_total
  MetricTable<Counter>& ingest_events_rejected;  // vigil_ingest_events_rejected_total{reason}
  Gauge& queue_depth;                            // vigil_queue_depth
  Gauge& queue_capacity;                         // vigil_queue_capacity
  Histogram& store_write_seconds;                // vigil_store_write_seconds (one per batch)
  Counter& store_events_written;                 // vigil_store_events_written_total
  Counter& store_write_errors;                   // vigil_store_write_errors_total
  MetricTable<Counter>& http_requests;           // vigil_http_requests_total{code}
  MetricTable<Counter>& alerts;                  // vigil_alerts_total{rule,severity}
  Counter& alerts_deduplicated;                  // vigil_alerts_deduplicated_total
  MetricTable<Counter>& alert_output_sent;       // vigil_alert_output_sent_total{output}
  MetricTable<Counter>& alert_output_failed;     // vigil_alert_output_failures_total{output}
  MetricTable<Counter>& alert_output_dropped;    // vigil_alert_output_dropped_total{output}

  // Correlation window state (src/state): groups held, groups dropped by the
  // cap or because their window passed, entries over the per-group cap, and
  // events older than the watermark (late within the allowed lateness:
  // handled; beyond it: ignored by correlation).
  Gauge& correlation_groups;              // vigil_correlation_groups
  Counter& correlation_groups_evicted;    // vigil_correlation_groups_evicted_total
  Counter& correlation_groups_expired;    // vigil_correlation_groups_expired_total
  Counter& correlation_entries_dropped;   // vigil_correlation_entries_dropped_total
  Counter& correlation_late_events;       // vigil_correlation_late_events_total
  Counter& correlation_too_late_events;   // vigil_correlation_too_late_events_total
  Counter& correlation_evidence_refused;  // vigil_correlation_evidence_refused_total
};

}  // namespace vigil::metrics

namespace vigil {
// The stages name it without the sub-namespace.
using metrics::VigilMetrics;
}  // namespace vigil
