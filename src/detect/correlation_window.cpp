#include "detect/correlation_window.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_set>

namespace vigil::sigma {
namespace {

using state::WindowEntry;

bool thresholds_hold(const Correlation& c, double x) {
  return std::all_of(c.thresholds.begin(), c.thresholds.end(),
                     [&](const Threshold& t) { return t.holds(x); });
}

// Linear interpolation between the closest ranks (numpy's default).
double percentile_of(std::vector<double> xs, double p) {
  std::sort(xs.begin(), xs.end());
  const double rank = p / 100.0 * static_cast<double>(xs.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(rank));
  const auto hi = std::min(lo + 1, xs.size() - 1);
  return xs[lo] + (xs[hi] - xs[lo]) * (rank - static_cast<double>(lo));
}

double aggregate(CorrelationType t, const std::vector<double>& xs, double percentile) {
  switch (t) {
    case CorrelationType::kValueSum: {
      double s = 0;
      for (double x : xs) s += x;
      return s;
    }
    case CorrelationType::kValueAvg: {
      double s = 0;
      for (double x : xs) s += x;
      return s / static_cast<double>(xs.size());
    }
    case CorrelationType::kValueMin:
      return *std::min_element(xs.begin(), xs.end());
    case CorrelationType::kValueMax:
      return *std::max_element(xs.begin(), xs.end());
    case CorrelationType::kValueMedian:
      return percentile_of(xs, 50);
    default:
      return percentile_of(xs, percentile);
  }
}

// Sources seen in order of the correlation's `rules` (greedy earliest match
// is optimal for finding an ordered subsequence).
bool ordered_chain(const std::deque<WindowEntry>& e, size_t first, size_t last, size_t n) {
  uint32_t next = 0;
  for (size_t i = first; i <= last && next < n; ++i) {
    if (e[i].source == next) ++next;
  }
  return next == n;
}

bool evaluate_rule_condition(const ConditionNode& node, const std::vector<bool>& seen) {
  using Op = ConditionNode::Op;
  switch (node.op) {
    case Op::kRef:
      return seen[static_cast<size_t>(node.refs.front())];
    case Op::kNot:
      return !evaluate_rule_condition(node.children.front(), seen);
    case Op::kAnd:
      return std::all_of(node.children.begin(), node.children.end(),
                         [&](const auto& c) { return evaluate_rule_condition(c, seen); });
    case Op::kOr:
      return std::any_of(node.children.begin(), node.children.end(),
                         [&](const auto& c) { return evaluate_rule_condition(c, seen); });
    case Op::kOneOf:
      return std::any_of(node.refs.begin(), node.refs.end(),
                         [&](int r) { return seen[static_cast<size_t>(r)]; });
    case Op::kAllOf:
      return std::all_of(node.refs.begin(), node.refs.end(),
                         [&](int r) { return seen[static_cast<size_t>(r)]; });
  }
  return false;
}

std::optional<double> temporal_value(const Correlation& c, const std::deque<WindowEntry>& e,
                                     size_t first, size_t last) {
  std::vector<bool> seen(c.rules.size(), false);
  for (size_t i = first; i <= last; ++i) seen[e[i].source] = true;
  const double distinct = static_cast<double>(std::count(seen.begin(), seen.end(), true));
  bool holds = false;
  if (c.rule_condition) {
    holds = evaluate_rule_condition(*c.rule_condition, seen);
  } else if (!c.thresholds.empty()) {
    holds = thresholds_hold(c, distinct);
  } else if (c.type == CorrelationType::kTemporalOrdered) {
    holds = ordered_chain(e, first, last, c.rules.size());
  } else {
    holds = distinct == static_cast<double>(c.rules.size());
  }
  if (holds && c.type == CorrelationType::kTemporalOrdered &&
      (c.rule_condition || !c.thresholds.empty())) {
    holds = ordered_chain(e, first, last, c.rules.size());
  }
  return holds ? std::optional<double>(distinct) : std::nullopt;
}

}  // namespace

std::optional<WindowResult> evaluate_window(const Correlation& c, const state::WindowState& w,
                                            size_t end_index) {
  const auto& e = w.entries;
  const int64_t end = e[end_index].time_us;
  if (c.type == CorrelationType::kTemporalOrdered && e[end_index].source + 1 != c.rules.size()) {
    return std::nullopt;
  }
  // The window is [end - timespan, end]; entries are sorted by time.
  const auto begin_it = std::lower_bound(
      e.begin(), e.begin() + static_cast<std::ptrdiff_t>(end_index) + 1, end - c.timespan_us,
      [](const WindowEntry& x, int64_t t) { return x.time_us < t; });
  size_t last = end_index;
  while (last + 1 < e.size() && e[last + 1].time_us == end) ++last;  // same-time entries count
  WindowResult r;
  r.first = static_cast<size_t>(begin_it - e.begin());
  r.last = last;
  r.events = last - r.first + 1;
  std::optional<double> value;
  if (c.type == CorrelationType::kEventCount) {
    value = static_cast<double>(r.events);
  } else if (c.type == CorrelationType::kValueCount) {
    std::unordered_set<std::string_view> distinct;
    for (size_t i = r.first; i <= last; ++i) distinct.insert(e[i].key);
    value = static_cast<double>(distinct.size());
  } else if (c.type == CorrelationType::kTemporal || c.type == CorrelationType::kTemporalOrdered) {
    auto v = temporal_value(c, e, r.first, last);
    if (!v) return std::nullopt;
    r.value = *v;
    return r;
  } else {
    std::vector<double> xs;
    for (size_t i = r.first; i <= last; ++i) xs.push_back(e[i].number);
    if (xs.empty()) return std::nullopt;
    value = aggregate(c.type, xs, c.percentile);
  }
  if (!thresholds_hold(c, *value)) return std::nullopt;
  r.value = *value;
  return r;
}

}  // namespace vigil::sigma
