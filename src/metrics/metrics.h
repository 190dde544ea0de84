// metrics: a Prometheus registry of plain atomics and its text exposition.
//
//   VigilMetrics   every series vigil exports; construct once, share by reference
//   Registry       families in registration order; render() = a /metrics body
//   Counter, Gauge, Histogram   the atomics the hot path touches
//   MetricTable    a counter/gauge family over <= 2 bounded labels, a flat array
//   LabelInterner  bounded, lock-free-read mapping of open-ended label values
//   CounterBatch, HistogramBatch   per-worker staging, flushed once per batch
//   kContentType   the Content-Type to serve the exposition with
//
// Nothing on the hot path hashes a label or takes a lock: callers resolve a
// label value to an index (or a Counter&) once and increment through it.
#pragma once

#include "core/reject_reason.h"
#include "metrics/counter.h"
#include "metrics/counter_batch.h"
#include "metrics/exposition.h"
#include "metrics/gauge.h"
#include "metrics/histogram.h"
#include "metrics/histogram_batch.h"
#include "metrics/label_dim.h"
#include "metrics/label_interner.h"
#include "metrics/metric_table.h"
#include "metrics/processed_events_batch.h"
#include "metrics/registry.h"
#include "metrics/vigil_metrics.h"
