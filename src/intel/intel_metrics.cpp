#include "intel/intel_metrics.h"

namespace vigil::intel {

IntelMetrics::IntelMetrics(metrics::Registry& registry)
    : feeds(registry.interner(kMaxFeedLabels)),
      matches(registry.counter("vigil_intel_matches_total",
                               "Event values that matched a threat-intelligence indicator.")),
      suppressed(registry.counter("vigil_intel_suppressed_matches_total",
                                  "Indicator matches suppressed by the allowlist.")),
      purged(registry.counter("vigil_intel_expired_purged_total",
                              "Expired indicators removed by the purge schedule.")),
      internal(registry.counter("vigil_intel_internal_indicators_total",
                                "Indicators added from vigil's own alerts (source vigil).")),
      indicators(registry.gauge("vigil_intel_indicators", "Indicators held, all sources.")),
      feed_refreshes(registry.counter_table(
          "vigil_intel_feed_refreshes_total", "Feed refreshes by outcome.",
          {metrics::LabelDim::interned("feed", feeds),
           metrics::LabelDim::fixed("result", {"ok", "not_modified", "failed"})})),
      feed_failing(registry.gauge_table(
          "vigil_intel_feed_failing",
          "1 while a feed's last refresh failed (it keeps its last good data).",
          {metrics::LabelDim::interned("feed", feeds)})) {}

}  // namespace vigil::intel
