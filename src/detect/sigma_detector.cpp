#include "detect/sigma_detector.h"

#include <algorithm>

namespace vigil::sigma {
SigmaDetector::SigmaDetector(std::shared_ptr<const RuleSet> rules) : rules_(std::move(rules)) {}

void SigmaDetector::replace(std::shared_ptr<const RuleSet> rules) {
  std::atomic_store(&rules_, std::move(rules));
}

std::shared_ptr<const RuleSet> SigmaDetector::rules() const {
  return std::atomic_load(&rules_);
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
  const auto set = rules();
  if (!set) return;
  for (const auto& match : set->match(event.doc)) {
    event.severity = std::max(event.severity, match.rule->meta.level);
    alerts.emit(make_alert(match, event));
  }
}

}  // namespace vigil::sigma
