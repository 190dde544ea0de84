#include "detect/correlation_window.h"

#include <algorithm>
#include <cmath>

namespace vigil::sigma {
namespace {

using state::WindowEntry;
using state::WindowState;

bool thresholds_hold(const Correlation& c, double x) {
  return std::all_of(c.thresholds.begin(), c.thresholds.end(),
                     [&](const Threshold& t) { return t.holds(x); });
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

// The value fields, as one number: every group keeps it to notice a reload
// that changed them (a copy of the names cost an allocation per group).
uint64_t hash_fields(const Correlation& c) {
  uint64_t h = c.fields.size();
  for (const auto& f : c.fields) h = h * 1000003u ^ std::hash<std::string>{}(f);
  return h;
}

bool ends_on_last_rule(const Correlation& c, const WindowEntry& e) {
  return e.source + 1 == c.rules.size();
}

// The window's first index for one ending at time `end`.
size_t window_start(const Correlation& c, const WindowState& w, int64_t end) {
  const auto it = std::lower_bound(w.entries.begin(), w.entries.end(), end - c.timespan_us,
                                   [](const WindowEntry& x, int64_t t) { return x.time_us < t; });
  return static_cast<size_t>(it - w.entries.begin());
}

}  // namespace

WindowAggregate::WindowAggregate(const Correlation& c)
    : type_(c.type), rule_count_(c.rules.size()), fields_hash_(hash_fields(c)) {
  if (type_ == CorrelationType::kValueCount) keys_ = std::make_unique<KeyCounts>();
  if (type_ == CorrelationType::kTemporal || type_ == CorrelationType::kTemporalOrdered)
    by_source_.resize(rule_count_);
  if (needs_order_statistics(type_)) numbers_ = std::make_unique<NumberTree>();
}

bool WindowAggregate::fits(const Correlation& c) const {
  return c.type == type_ && c.rules.size() == rule_count_ && hash_fields(c) == fields_hash_;
}

void WindowAggregate::insert(const WindowEntry& e) {
  ++size_;
  switch (type_) {
    case CorrelationType::kEventCount:
      break;
    case CorrelationType::kValueCount:
      ++(*keys_)[e.key_hash];
      break;
    case CorrelationType::kTemporal:
    case CorrelationType::kTemporalOrdered: {
      auto& seen = by_source_[e.source];
      const std::pair<int64_t, uint64_t> key{e.time_us, e.seq};
      seen.insert(std::upper_bound(seen.begin(), seen.end(), key), key);
    } break;
    default:
      if (numbers_) numbers_->insert({e.number, e.seq});
      sum_ += e.number;
      break;
  }
}

void WindowAggregate::remove(const WindowEntry& e) {
  --size_;
  switch (type_) {
    case CorrelationType::kEventCount:
      break;
    case CorrelationType::kValueCount: {
      const auto it = keys_->find(e.key_hash);
      if (--it->second == 0) keys_->erase(it);
    } break;
    case CorrelationType::kTemporal:
    case CorrelationType::kTemporalOrdered: {
      auto& seen = by_source_[e.source];
      const std::pair<int64_t, uint64_t> key{e.time_us, e.seq};
      seen.erase(std::lower_bound(seen.begin(), seen.end(), key));
    } break;
    default:
      if (numbers_) numbers_->erase({e.number, e.seq});
      sum_ -= e.number;
      if (size_ == 0) sum_ = 0;  // no rounding residue carried into the next burst
      break;
  }
}

double WindowAggregate::number_at_rank(size_t rank) const {
  return numbers_->find_by_order(rank)->first;
}

// Linear interpolation between the closest ranks (numpy's default).
double WindowAggregate::percentile(double p) const {
  const size_t n = numbers_->size();
  const double rank = p / 100.0 * static_cast<double>(n - 1);
  const auto lo = static_cast<size_t>(std::floor(rank));
  const auto hi = std::min(lo + 1, n - 1);
  const double a = number_at_rank(lo);
  const double b = number_at_rank(hi);
  return a + (b - a) * (rank - static_cast<double>(lo));
}

// The referenced rules seen in their listed order: greedy earliest match
// (optimal for an ordered subsequence), one ordered-set lookup per rule.
bool WindowAggregate::ordered_chain() const {
  std::pair<int64_t, uint64_t> after{INT64_MIN, 0};
  bool first = true;
  for (const auto& seen : by_source_) {
    auto it = first ? seen.begin() : std::upper_bound(seen.begin(), seen.end(), after);
    if (it == seen.end()) return false;
    after = *it;
    first = false;
  }
  return true;
}

std::optional<double> WindowAggregate::holding_value(const Correlation& c) const {
  double value = 0;
  switch (type_) {
    case CorrelationType::kEventCount:
    case CorrelationType::kValueCount:
      value = growing_value();
      break;
    case CorrelationType::kTemporal:
    case CorrelationType::kTemporalOrdered: {
      std::vector<bool> seen(rule_count_);
      for (size_t i = 0; i < rule_count_; ++i) seen[i] = !by_source_[i].empty();
      const double distinct = static_cast<double>(std::count(seen.begin(), seen.end(), true));
      bool holds = false;
      if (c.rule_condition) {
        holds = evaluate_rule_condition(*c.rule_condition, seen);
      } else if (!c.thresholds.empty()) {
        holds = thresholds_hold(c, distinct);
      } else {
        holds = distinct == static_cast<double>(rule_count_);
      }
      if (holds && type_ == CorrelationType::kTemporalOrdered) holds = ordered_chain();
      return holds ? std::optional<double>(distinct) : std::nullopt;
    }
    default: {
      if (size_ == 0) return std::nullopt;
      switch (type_) {
        case CorrelationType::kValueSum:
          value = growing_value();
          break;
        case CorrelationType::kValueAvg:
          value = static_cast<double>(sum_) / static_cast<double>(size_);
          break;
        case CorrelationType::kValueMin:
          value = numbers_->begin()->first;
          break;
        case CorrelationType::kValueMax:
          value = std::prev(numbers_->end())->first;
          break;
        case CorrelationType::kValueMedian:
          value = percentile(50);
          break;
        default:
          value = percentile(c.percentile);
          break;
      }
    }
  }
  if (!thresholds_hold(c, value)) return std::nullopt;
  return value;
}

double WindowAggregate::growing_value() const {
  switch (type_) {
    case CorrelationType::kEventCount:
      return static_cast<double>(size_);
    case CorrelationType::kValueCount:
      return static_cast<double>(keys_->size());
    default:
      return static_cast<double>(sum_);
  }
}

double WindowAggregate::progress(const Correlation& c) const {
  double value = 0;
  double bound = 0;
  switch (type_) {
    case CorrelationType::kEventCount:
    case CorrelationType::kValueCount:
    case CorrelationType::kValueSum:
      value = growing_value();
      break;
    case CorrelationType::kTemporal:
    case CorrelationType::kTemporalOrdered:
      if (c.rule_condition) return 1;
      value = static_cast<double>(std::count_if(by_source_.begin(), by_source_.end(),
                                                [](const auto& s) { return !s.empty(); }));
      if (c.thresholds.empty()) bound = static_cast<double>(rule_count_);
      break;
    default:
      return 1;
  }
  for (const auto& t : c.thresholds) {
    if (t.op == Threshold::Op::kGt || t.op == Threshold::Op::kGte) bound = std::max(bound, t.value);
  }
  return bound > 0 ? value / bound : 1;
}

void GroupWindow::dropping_oldest(const WindowEntry& oldest) {
  if (first > 0) {
    --first;
  } else if (aggregate.size() > 0) {
    aggregate.remove(oldest);
  }
  --expected_size;
}

GroupWindow& group_window(const Correlation& c, WindowState& w) {
  auto* g = dynamic_cast<GroupWindow*>(w.derived.get());
  const size_t size = w.entries.size();
  if (g != nullptr && g->aggregate.fits(c) && g->timespan_us == c.timespan_us &&
      g->expected_size == size && g->first + g->aggregate.size() == size) {
    return *g;
  }
  auto fresh = std::make_unique<GroupWindow>(c);
  if (size > 0) fresh->first = window_start(c, w, w.newest_us);
  for (size_t i = fresh->first; i < size; ++i) fresh->aggregate.insert(w.entries[i]);
  fresh->expected_size = size;
  g = fresh.get();
  w.derived = std::move(fresh);
  return *g;
}

size_t insert_entry(const Correlation& c, WindowState& w, GroupWindow& g, WindowEntry entry) {
  const int64_t start = w.newest_us - c.timespan_us;
  entry.seq = w.next_seq++;
  const auto pos = std::upper_bound(w.entries.begin(), w.entries.end(), entry.time_us,
                                    [](int64_t t, const WindowEntry& x) { return t < x.time_us; });
  const auto at = static_cast<size_t>(pos - w.entries.begin());
  const bool in_window = entry.time_us >= start;
  w.entries.insert(pos, std::move(entry));
  if (in_window) {
    g.aggregate.insert(w.entries[at]);
  } else {
    ++g.first;
  }
  while (g.first < w.entries.size() && w.entries[g.first].time_us < start) {
    g.aggregate.remove(w.entries[g.first]);
    ++g.first;
  }
  return at;
}

std::optional<WindowResult> evaluate_newest(const Correlation& c, const WindowState& w,
                                            const GroupWindow& g) {
  const size_t last = w.entries.size() - 1;
  if (c.type == CorrelationType::kTemporalOrdered && !ends_on_last_rule(c, w.entries[last])) {
    return std::nullopt;
  }
  const auto value = g.aggregate.holding_value(c);
  if (!value) return std::nullopt;
  return WindowResult{*value, last - g.first + 1, g.first, last};
}

std::optional<WindowResult> evaluate_late(const Correlation& c, const WindowState& w, size_t at) {
  const auto& e = w.entries;
  const int64_t latest_end = e[at].time_us + c.timespan_us;
  WindowAggregate window(c);
  size_t first = window_start(c, w, e[at].time_us);
  size_t last = first;  // entries [first, last) are in `window`
  // Windows ending at entries of one time are the same window; it is
  // checked once, from the first of them on (entries before `at` are older
  // and do not contain the late one).
  for (size_t end = at; end < e.size() && e[end].time_us <= latest_end;) {
    const int64_t t = e[end].time_us;
    size_t run_end = end;
    while (run_end + 1 < e.size() && e[run_end + 1].time_us == t) ++run_end;
    for (; last <= run_end; ++last) window.insert(e[last]);
    for (; e[first].time_us < t - c.timespan_us; ++first) window.remove(e[first]);
    const bool can_end = c.type != CorrelationType::kTemporalOrdered ||
                         std::any_of(e.begin() + static_cast<std::ptrdiff_t>(end),
                                     e.begin() + static_cast<std::ptrdiff_t>(run_end) + 1,
                                     [&](const WindowEntry& x) { return ends_on_last_rule(c, x); });
    if (can_end) {
      if (const auto value = window.holding_value(c))
        return WindowResult{*value, run_end - first + 1, first, run_end};
    }
    end = run_end + 1;
  }
  return std::nullopt;
}

}  // namespace vigil::sigma
