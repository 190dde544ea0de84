// The compiled, immutable correlation rules of one rule set: which rule (or
// correlation) feeds which correlation, and which of them alert on their own
// (`generate`). Built beside the RuleSet and swapped with it on reload.
#pragma once

#include <memory>
#include <unordered_map>
#include <vector>

#include "detect/correlation.h"
#include "detect/rule.h"

namespace vigil::sigma {

class CorrelationSet {
 public:
  struct Consumer {
    size_t correlation = 0;  // index into correlations()
    uint32_t source = 0;     // position of the reference in its `rules`
  };

  CorrelationSet(const std::vector<std::shared_ptr<const Rule>>& rules,
                 std::vector<std::shared_ptr<const Correlation>> correlations);

  const std::vector<std::shared_ptr<const Correlation>>& correlations() const { return list_; }
  bool empty() const { return list_.empty(); }
  // Correlations a matching detection rule feeds (empty when none).
  const std::vector<Consumer>& consumers_of(const Rule* rule) const;
  // Correlations a firing correlation feeds (chains).
  const std::vector<Consumer>& consumers_of(size_t correlation) const;
  // A rule referred to by correlations alerts on its own only when one of
  // them says `generate: true`; a rule nobody refers to always alerts.
  bool alerts_on_its_own(const Rule* rule) const;
  bool alerts_on_its_own(size_t correlation) const;
  // Every event field a correlation of the set reads (group-by names, the
  // fields their aliases stand for, value fields), each once: what the
  // engine needs of an event besides its evidence.
  const std::vector<std::string>& fields_read() const { return fields_read_; }

 private:
  std::vector<std::shared_ptr<const Correlation>> list_;
  std::unordered_map<const Rule*, std::vector<Consumer>> by_rule_;
  std::vector<std::vector<Consumer>> by_correlation_;
  std::unordered_map<const Rule*, bool> rule_generates_;
  std::vector<int> correlation_generates_;  // -1: nobody refers to it
  std::vector<std::string> fields_read_;
};

}  // namespace vigil::sigma
