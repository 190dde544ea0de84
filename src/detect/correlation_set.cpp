#include "detect/correlation_set.h"

#include <algorithm>

namespace vigil::sigma {
namespace {

bool is_named(const RuleMeta& m, const std::string& ref) {
  return (!m.id.empty() && m.id == ref) || (!m.name.empty() && m.name == ref);
}

const std::vector<CorrelationSet::Consumer> kNone;

void add_once(std::vector<std::string>& names, const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

}  // namespace

CorrelationSet::CorrelationSet(const std::vector<std::shared_ptr<const Rule>>& rules,
                               std::vector<std::shared_ptr<const Correlation>> correlations)
    : list_(std::move(correlations)),
      by_correlation_(list_.size()),
      correlation_generates_(list_.size(), -1) {
  for (size_t c = 0; c < list_.size(); ++c) {
    const Correlation& corr = *list_[c];
    for (const auto& g : corr.group_by) add_once(fields_read_, g);
    for (const auto& [alias, per_rule] : corr.aliases) {
      for (const auto& [rule, fields] : per_rule) {
        for (const auto& f : fields) add_once(fields_read_, f);
      }
    }
    for (const auto& f : corr.fields) add_once(fields_read_, f);
    for (uint32_t s = 0; s < corr.rules.size(); ++s) {
      const std::string& ref = corr.rules[s];
      for (const auto& r : rules) {
        if (!is_named(r->meta, ref)) continue;
        by_rule_[r.get()].push_back(Consumer{c, s});
        rule_generates_[r.get()] = rule_generates_[r.get()] || corr.generates(ref);
      }
      for (size_t other = 0; other < list_.size(); ++other) {
        if (other == c || !is_named(list_[other]->meta, ref)) continue;
        by_correlation_[other].push_back(Consumer{c, s});
        correlation_generates_[other] =
            std::max(correlation_generates_[other], corr.generates(ref) ? 1 : 0);
      }
    }
  }
}

const std::vector<CorrelationSet::Consumer>& CorrelationSet::consumers_of(const Rule* rule) const {
  const auto it = by_rule_.find(rule);
  return it == by_rule_.end() ? kNone : it->second;
}

const std::vector<CorrelationSet::Consumer>& CorrelationSet::consumers_of(size_t c) const {
  return by_correlation_[c];
}

bool CorrelationSet::alerts_on_its_own(const Rule* rule) const {
  const auto it = rule_generates_.find(rule);
  return it == rule_generates_.end() || it->second;
}

bool CorrelationSet::alerts_on_its_own(size_t c) const {
  return correlation_generates_[c] != 0;
}

}  // namespace vigil::sigma
