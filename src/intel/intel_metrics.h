// The intel series on /metrics, registered in the engine's registry.
#pragma once

#include <string>
#include <string_view>

#include "metrics/registry.h"

namespace vigil::intel {

struct IntelMetrics {
  static constexpr size_t kMaxFeedLabels = 64;
  enum class Refresh : size_t { kOk, kNotModified, kFailed };

  explicit IntelMetrics(metrics::Registry& registry);
  metrics::Counter& feed_refresh(std::string_view feed, Refresh result) {
    return feed_refreshes.at(feeds.intern(feed), static_cast<size_t>(result));
  }

  metrics::LabelInterner& feeds;
  metrics::Counter& matches;     // vigil_intel_matches_total
  metrics::Counter& suppressed;  // vigil_intel_suppressed_matches_total
  metrics::Counter& purged;      // vigil_intel_expired_purged_total
  metrics::Counter& internal;    // vigil_intel_internal_indicators_total
  metrics::Gauge& indicators;    // vigil_intel_indicators
  metrics::MetricTable<metrics::Counter>&
      feed_refreshes;  // vigil_intel_feed_refreshes_total{feed,result}
  metrics::MetricTable<metrics::Gauge>& feed_failing;  // vigil_intel_feed_failing{feed}
};

}  // namespace vigil::intel
