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
#include "state/evidence_codec.h"
#include "state/state_store.h"

namespace vigil::sigma {

struct CorrelationOptions {
  int64_t allowed_lateness_us = 60'000'000;
  size_t events_per_alert = 10;  // triggering events kept per group (and alert)
  // Evidence (events as compact JSON) held by all windows together; beyond
  // it new entries keep none (the event completing a window is always in
  // its alert). Its second half is only for groups at least halfway to
  // their threshold.
  size_t max_evidence_bytes = size_t{64} << 20;
  metrics::Counter* late_events = nullptr;       // handled
  metrics::Counter* too_late_events = nullptr;   // ignored
  metrics::Counter* evidence_refused = nullptr;  // entries that kept no evidence (budget spent)
};

// What correlation needs of one event, taken at match time so the window
// state never holds the event itself: the fields the correlations read (a
// small object of those fields, by their names) and the event as evidence.
struct CorrelationInput {
  Timestamp time;
  Value fields;
  std::shared_ptr<const state::Evidence> evidence;
};

class CorrelationEngine {
 public:
  CorrelationEngine(std::shared_ptr<state::StateStore> store, CorrelationOptions options);

  // What `set`'s correlations read of `doc`, and `doc` as evidence
  // (compressed once the engine's evidence codec has trained).
  CorrelationInput capture(const CorrelationSet& set, Timestamp time, const Value& doc);
  // Feeds the rules that matched an event to the correlations of `set`. The
  // windows that keep the event share its evidence.
  void process(const CorrelationSet& set, const CorrelationInput& input,
               const std::vector<MatchedRule>& matches, AlertSink& alerts);
  // The same, capturing the event only when a correlation consumes a match.
  void process(const CorrelationSet& set, const Event& event,
               const std::vector<MatchedRule>& matches, AlertSink& alerts);
  // Whether any correlation of `set` refers to one of the matched rules.
  static bool consumes_any(const CorrelationSet& set, const std::vector<MatchedRule>& matches);

  const state::StateStore& store() const { return *store_; }
  // Bytes of evidence the windows hold now.
  size_t evidence_bytes() const { return evidence_budget_->used(); }

 private:
  void feed(const CorrelationSet& set, const CorrelationSet::Consumer& to,
            const CorrelationInput& in, AlertSink& alerts, int depth);

  std::shared_ptr<state::StateStore> store_;
  CorrelationOptions options_;
  std::shared_ptr<state::EvidenceBudget> evidence_budget_;
  state::EvidenceCodec evidence_codec_;
};

// The value of a group-by or `field` name in an event: a dotted path
// (`user.name`), else, for Windows events, `Event.EventData.<name>` or
// `Event.System.<name>`. nullptr when absent.
const Value* correlation_field(const Value& doc, const std::string& name);

}  // namespace vigil::sigma
