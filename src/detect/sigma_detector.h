// The Sigma rule engine as a pipeline Detector: evaluates the loaded rules on
// each event and raises one alert per matching rule. The alert keeps the
// rule's author, id, level, tags and references (the DRL 1.1 licence of the
// SigmaHQ rules requires the author's attribution on every alert).
#pragma once

#include <atomic>
#include <memory>

#include "detect/detector.h"
#include "detect/rule_set.h"

namespace vigil::sigma {

class SigmaDetector final : public Detector {
 public:
  explicit SigmaDetector(std::shared_ptr<const RuleSet> rules);

  std::string_view name() const override { return "sigma"; }
  void on_event(Event& event, AlertSink& alerts) override;

  // Hot reload: workers pick up the new set on their next event.
  void replace(std::shared_ptr<const RuleSet> rules);
  std::shared_ptr<const RuleSet> rules() const;

 private:
  std::shared_ptr<const RuleSet> rules_;  // accessed with std::atomic_load/store
};

Alert make_alert(const MatchedRule& match, const Event& event);

}  // namespace vigil::sigma
