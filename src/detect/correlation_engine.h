// Streaming, event-time correlation: each event's rule matches update the
// window state of the correlations that refer to those rules (per group-by
// values, in a StateStore), the condition is checked over the sliding window
// ending at the event, and a correlation that holds raises an alert (and
// feeds the correlations chained on it). An event older than the newest one
// its group has seen is correlated within the allowed lateness and ignored
// (counted) beyond it.
// Thread-safe: the store serializes access per group.
#pragma once

#include <memory>
#include <vector>

#include "alert/alert.h"
#include "core/event.h"
#include "detect/correlation_set.h"
#include "detect/rule_set.h"
#include "metrics/counter.h"
#include "state/state_store.h"

namespace vigil::sigma {

struct CorrelationOptions {
  int64_t allowed_lateness_us = 60'000'000;
  size_t events_per_alert = 10;                 // triggering events kept per group (and alert)
  metrics::Counter* late_events = nullptr;      // handled
  metrics::Counter* too_late_events = nullptr;  // ignored
};

class CorrelationEngine {
 public:
  CorrelationEngine(std::shared_ptr<state::StateStore> store, CorrelationOptions options);

  // Feeds the rules that matched an event (its time and document) to the
  // correlations of `set`. The windows that keep the event share `doc`.
  void process(const CorrelationSet& set, Timestamp time, std::shared_ptr<const Value> doc,
               const std::vector<MatchedRule>& matches, AlertSink& alerts);
  // The same, copying event.doc only when a correlation consumes a match.
  void process(const CorrelationSet& set, const Event& event,
               const std::vector<MatchedRule>& matches, AlertSink& alerts);
  // Whether any correlation of `set` refers to one of the matched rules.
  static bool consumes_any(const CorrelationSet& set, const std::vector<MatchedRule>& matches);

  const state::StateStore& store() const { return *store_; }

 private:
  struct Feed;
  void feed(const CorrelationSet& set, const CorrelationSet::Consumer& to, Feed& f,
            AlertSink& alerts, int depth);

  std::shared_ptr<state::StateStore> store_;
  CorrelationOptions options_;
};

// The value of a group-by or `field` name in an event: a dotted path
// (`user.name`), else, for Windows events, `Event.EventData.<name>` or
// `Event.System.<name>`. nullptr when absent.
const Value* correlation_field(const Value& doc, const std::string& name);

}  // namespace vigil::sigma
