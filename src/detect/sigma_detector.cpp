#include "detect/sigma_detector.h"

#include <algorithm>

namespace vigil::sigma {
SigmaDetector::SigmaDetector(std::shared_ptr<const RuleSet> rules,
                             std::shared_ptr<const CorrelationSet> correlations,
                             std::shared_ptr<CorrelationEngine> engine)
    : compiled_(
          std::make_shared<const Compiled>(Compiled{std::move(rules), std::move(correlations)})),
      engine_(std::move(engine)) {}

void SigmaDetector::replace(std::shared_ptr<const RuleSet> rules,
                            std::shared_ptr<const CorrelationSet> correlations) {
  std::atomic_store(&compiled_, std::make_shared<const Compiled>(
                                    Compiled{std::move(rules), std::move(correlations)}));
}

std::shared_ptr<const RuleSet> SigmaDetector::rules() const {
  return std::atomic_load(&compiled_)->rules;
}

Alert make_alert(const MatchedRule& match, const Event& event) {
  const RuleMeta& m = match.rule->meta;
  Alert a;
  a.rule = m.display_name();
  a.rule_id = m.id;
  a.title = m.title;
  a.severity = m.level;
  a.description = m.description.empty() ? m.title : m.description;
  a.time = event.time;
  a.tags = m.tags;
  a.references = m.references;
  a.author = m.author;
  a.events.push_back(event.doc);
  Object ctx;
  ctx.emplace_back("level", m.level_name);
  ctx.emplace_back("status", m.status);
  ctx.emplace_back("matched_fields", match.fields);
  a.context = Value(std::move(ctx));
  return a;
}

void SigmaDetector::on_event(Event& event, AlertSink& alerts) {
  const auto compiled = std::atomic_load(&compiled_);
  if (!compiled->rules) return;
  auto matches = compiled->rules->match(event.doc);
  const CorrelationSet* correlations = compiled->correlations.get();
  for (const auto& match : matches) {
    if (correlations != nullptr && !correlations->alerts_on_its_own(match.rule)) continue;
    event.severity = std::max(event.severity, match.rule->meta.level);
    alerts.emit(make_alert(match, event));
  }
  if (!engine_ || correlations == nullptr || correlations->empty() || matches.empty()) return;
  if (!CorrelationEngine::consumes_any(*correlations, matches)) return;
  // Correlation groups span entities (one source IP, many users), so windows
  // are fed in submission order. What they need is taken now, while the
  // event is as it arrived: the few fields the correlations read and the
  // event as compact JSON evidence, never the document tree itself.
  alerts.in_submission_order([engine = engine_, compiled,
                              input = engine_->capture(*correlations, event.time, event.doc),
                              matches = std::move(matches)](AlertSink& sink) {
    engine->process(*compiled->correlations, input, matches, sink);
  });
}

}  // namespace vigil::sigma
