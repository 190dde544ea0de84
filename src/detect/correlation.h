// A parsed Sigma correlation rule (specification 2.x): it refers to
// detection rules or other correlations by id or name and says when their
// matches, grouped by fields inside a sliding event-time window, raise an
// alert of their own.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "detect/rule.h"

namespace vigil::sigma {

enum class CorrelationType {
  kEventCount,       // matching events in the window
  kValueCount,       // distinct values of `field`
  kTemporal,         // all referenced rules matched, any order
  kTemporalOrdered,  // all referenced rules matched in the listed order
  kValueSum,         // aggregations of the numeric `field`
  kValueAvg,
  kValueMin,
  kValueMax,
  kValueMedian,
  kValuePercentile,
};

std::string_view to_string(CorrelationType t);
bool aggregates_values(CorrelationType t);  // value_sum ... value_percentile

struct Threshold {
  enum class Op { kGt, kGte, kLt, kLte, kEq, kNeq } op = Op::kGte;
  double value = 0;
  bool holds(double x) const;
};

struct Correlation {
  RuleMeta meta;  // title, id, name, level, tags, author, references, file, line
  CorrelationType type = CorrelationType::kEventCount;
  std::vector<std::string> rules;     // referenced rule ids or names, in order
  std::vector<std::string> group_by;  // field names or aliases
  // alias -> referenced rule (id or name) -> event fields, first present wins
  std::map<std::string, std::map<std::string, std::vector<std::string>>> aliases;
  int64_t timespan_us = 0;
  std::string timespan_text;
  std::vector<Threshold> thresholds;  // all must hold (a range is two)
  std::vector<std::string> fields;    // value_*: the field (several: a tuple)
  double percentile = 50;             // value_percentile: which percentile (0..100)
  // temporal/temporal_ordered with a text condition (`a and b or c`) over the
  // referenced rules; without one every referenced rule must match.
  std::optional<ConditionNode> rule_condition;
  // Which referenced rules also alert on their own: `generate: true` all of
  // them; a list (a vigil extension) only the rules it names.
  bool generate = false;
  std::vector<std::string> generate_rules;
  bool generates(const std::string& ref) const;
};

// `5m`, `1h`: an integer and a unit (s, m, h, d, w); anything else (`1.5h`,
// `30`, `5 m`) is an error naming the value.
Result<int64_t> parse_timespan_us(std::string_view text);

}  // namespace vigil::sigma
