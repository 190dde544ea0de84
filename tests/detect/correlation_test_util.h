// Helpers for correlation tests: rules and correlations from YAML text, fed
// events (JSON) at given event times through the real SigmaDetector,
// CorrelationEngine and MemoryStateStore; alerts are collected per event.
#pragma once

#include <mutex>

#include "sigma_test_util.h"
#include "state/memory_state_store.h"

namespace vigil::sigma::testing {

// Base rules the tests refer to: failed and successful logins, reads.
inline constexpr const char* kBaseRules = R"(title: Failed login
name: failed_login
id: 0a1b2c3d-0000-4000-8000-000000000001
logsource: {product: test}
detection: {sel: {action: fail}, condition: sel}
---
title: Login ok
name: login_ok
id: 0a1b2c3d-0000-4000-8000-000000000002
logsource: {product: test}
detection: {sel: {action: ok}, condition: sel}
---
title: Read
name: read
logsource: {product: test}
detection: {sel: {action: read}, condition: sel}
)";

class Correlator {
 public:
  explicit Correlator(const std::string& correlations, state::StateLimits limits = {},
                      int64_t lateness_s = 60, const LoadOptions& options = {},
                      size_t max_evidence_bytes = CorrelationOptions{}.max_evidence_bytes)
      : store_(std::make_shared<state::MemoryStateStore>(
            limits, state::StateCounters{&evicted, &expired, &entries_dropped, &groups})) {
    loaded =
        load_rules_from_text(std::string(kBaseRules) + "---\n" + correlations, "c.yml", options);
    std::vector<FieldMapping> m;
    m.push_back(paths_mapping());
    CorrelationOptions o;
    o.allowed_lateness_us = lateness_s * 1'000'000;
    o.late_events = &late;
    o.too_late_events = &too_late;
    o.evidence_refused = &evidence_refused;
    o.max_evidence_bytes = max_evidence_bytes;
    detector_ = std::make_unique<SigmaDetector>(
        std::make_shared<const RuleSet>(loaded.rules, std::move(m)),
        std::make_shared<const CorrelationSet>(loaded.rules, loaded.correlations),
        std::make_shared<CorrelationEngine>(store_, o));
  }

  std::string errors() const {
    std::string out;
    for (const auto& e : loaded.errors)
      out += e.file + ":" + std::to_string(e.line) + ": " + e.reason + "\n";
    return out;
  }

  // Alerts raised by this one event, at `t` seconds.
  std::vector<Alert> feed(int64_t t, std::string_view json) {
    CollectingSink sink;
    Event e;
    e.doc = event(json);
    e.time = Timestamp::from_seconds(t);
    detector_->on_event(e, sink);
    return std::move(sink.alerts);
  }
  // Names of the rules that alerted on this event.
  std::vector<std::string> fired(int64_t t, std::string_view json) {
    std::vector<std::string> out;
    for (const auto& a : feed(t, json)) out.push_back(a.rule);
    return out;
  }
  SigmaDetector& detector() { return *detector_; }
  const state::StateStore& store() const { return *store_; }

  LoadResult loaded;
  metrics::Counter late, too_late, evicted, expired, entries_dropped, evidence_refused;
  metrics::Gauge groups;

 private:
  std::shared_ptr<state::MemoryStateStore> store_;
  std::unique_ptr<SigmaDetector> detector_;
};

}  // namespace vigil::sigma::testing
