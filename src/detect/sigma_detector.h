// The Sigma rule engine as a pipeline Detector: evaluates the loaded rules on
// each event and raises one alert per matching rule, then feeds the matches
// to the correlation rules (whose alerts go through the same sink), in
// submission order (AlertSink::in_submission_order). The alert
// keeps the rule's author, id, level, tags and references (the DRL 1.1
// licence of the SigmaHQ rules requires the author's attribution on every
// alert). A rule that correlations refer to alerts on its own only when one of
// them says `generate: true`.
#pragma once

#include <atomic>
#include <memory>

#include "detect/correlation_engine.h"
#include "detect/correlation_set.h"
#include "detect/detector.h"
#include "detect/rule_set.h"

namespace vigil::sigma {

class SigmaDetector final : public Detector {
 public:
  // Without an engine, correlation rules are ignored.
  explicit SigmaDetector(std::shared_ptr<const RuleSet> rules,
                         std::shared_ptr<const CorrelationSet> correlations = nullptr,
                         std::shared_ptr<CorrelationEngine> engine = nullptr);

  std::string_view name() const override { return "sigma"; }
  void on_event(Event& event, AlertSink& alerts) override;

  // Hot reload: workers pick up the new sets on their next event; window
  // state stays (keyed by correlation id or name).
  void replace(std::shared_ptr<const RuleSet> rules,
               std::shared_ptr<const CorrelationSet> correlations = nullptr);
  std::shared_ptr<const RuleSet> rules() const;
  const CorrelationEngine* engine() const { return engine_.get(); }

 private:
  struct Compiled {
    std::shared_ptr<const RuleSet> rules;
    std::shared_ptr<const CorrelationSet> correlations;
  };
  std::shared_ptr<const Compiled> compiled_;  // accessed with std::atomic_load/store
  std::shared_ptr<CorrelationEngine> engine_;
};

Alert make_alert(const MatchedRule& match, const Event& event);

}  // namespace vigil::sigma
