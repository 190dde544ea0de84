// The correlation engine's incremental windows (counted maps, per-rule
// ordered sets, an order-statistics tree) against a reference that rescans
// every window from scratch, on random streams with repeated times, late
// events, too-late events and the per-group cap: every event must raise the
// same alert, with the same value and window size, or none.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <set>

#include "correlation_test_util.h"

namespace vigil::sigma::testing {
namespace {

struct Step {
  int64_t t = 0;  // seconds
  std::string action;
  std::string value;
  int bytes = 0;
};

struct Expected {
  double value = 0;
  size_t events = 0;
};

// One group's window, rescanned for every check (the engine's semantics
// written the slow, obvious way).
class Reference {
 public:
  Reference(const Correlation& c, int64_t lateness_s, size_t cap)
      : c_(c), ts_(c.timespan_us / 1'000'000), lateness_(lateness_s), cap_(cap) {}

  std::optional<Expected> feed(const Step& s) {
    const auto source = std::find(c_.rules.begin(), c_.rules.end(), rule_of(s.action));
    if (source == c_.rules.end()) return std::nullopt;
    Entry in{s.t, static_cast<uint32_t>(source - c_.rules.begin()), s.value,
             static_cast<double>(s.bytes)};
    const bool in_order = s.t >= newest_;
    if (!in_order && newest_ - s.t > lateness_) return std::nullopt;
    newest_ = std::max(newest_, s.t);
    std::erase_if(e_, [&](const Entry& x) { return x.t < newest_ - ts_ - lateness_; });
    const auto pos = std::upper_bound(e_.begin(), e_.end(), s.t,
                                      [](int64_t t, const Entry& x) { return t < x.t; });
    const auto at = static_cast<size_t>(pos - e_.begin());
    e_.insert(pos, in);
    std::optional<Expected> fired;
    for (size_t end = at; end < e_.size() && !fired; ++end) {
      if (in_order && end != at) break;
      if (!in_order && e_[end].t > s.t + ts_) break;
      fired = window(end);
    }
    if (e_.size() > cap_)
      e_.erase(e_.begin(), e_.begin() + static_cast<ptrdiff_t>(e_.size() - cap_));
    return fired;
  }

 private:
  struct Entry {
    int64_t t;
    uint32_t source;
    std::string key;
    double number;
  };
  static std::string rule_of(const std::string& action) {
    return action == "fail" ? "failed_login" : action == "ok" ? "login_ok" : "read";
  }

  std::optional<Expected> window(size_t end) const {
    if (c_.type == CorrelationType::kTemporalOrdered && e_[end].source + 1 != c_.rules.size())
      return std::nullopt;
    size_t first = 0;
    while (e_[first].t < e_[end].t - ts_) ++first;
    size_t last = end;
    while (last + 1 < e_.size() && e_[last + 1].t == e_[end].t) ++last;
    std::vector<const Entry*> w;
    for (size_t i = first; i <= last; ++i) w.push_back(&e_[i]);
    double value = 0;
    switch (c_.type) {
      case CorrelationType::kEventCount:
        value = static_cast<double>(w.size());
        break;
      case CorrelationType::kValueCount: {
        std::set<std::string> keys;
        for (const auto* x : w) keys.insert(x->key);
        value = static_cast<double>(keys.size());
        break;
      }
      case CorrelationType::kTemporalOrdered: {
        uint32_t next = 0;
        for (const auto* x : w) next += x->source == next && next < c_.rules.size() ? 1 : 0;
        if (next != c_.rules.size()) return std::nullopt;
        return Expected{static_cast<double>(c_.rules.size()), w.size()};
      }
      default: {
        std::vector<double> xs;
        for (const auto* x : w) xs.push_back(x->number);
        std::sort(xs.begin(), xs.end());
        double sum = 0;
        for (const auto* x : w) sum += x->number;
        const double p = c_.type == CorrelationType::kValueMedian ? 50 : c_.percentile;
        const double rank = p / 100.0 * static_cast<double>(xs.size() - 1);
        const auto lo = static_cast<size_t>(std::floor(rank));
        const auto hi = std::min(lo + 1, xs.size() - 1);
        switch (c_.type) {
          case CorrelationType::kValueSum:
            value = sum;
            break;
          case CorrelationType::kValueAvg:
            value = sum / static_cast<double>(xs.size());
            break;
          case CorrelationType::kValueMin:
            value = xs.front();
            break;
          case CorrelationType::kValueMax:
            value = xs.back();
            break;
          default:
            value = xs[lo] + (xs[hi] - xs[lo]) * (rank - static_cast<double>(lo));
        }
      }
    }
    for (const auto& t : c_.thresholds) {
      if (!t.holds(value)) return std::nullopt;
    }
    return Expected{value, w.size()};
  }

  const Correlation& c_;
  int64_t ts_, lateness_;
  size_t cap_;
  int64_t newest_ = INT64_MIN;
  std::vector<Entry> e_;
};

// Bursts on few distinct times (as a replayed log repeats them), steps
// back within and beyond the allowed lateness.
std::vector<Step> random_stream(uint32_t seed, size_t n) {
  std::mt19937 rng(seed);
  const auto pick = [&](int n_options) { return static_cast<int>(rng() % n_options); };
  std::vector<Step> out;
  int64_t t = 1000;
  const char* actions[] = {"fail", "fail", "ok", "read"};
  for (size_t i = 0; i < n; ++i) {
    Step s;
    const int r = pick(10);
    if (r < 5) t += pick(3) * 7;       // often the same time again
    s.t = r == 9 ? t - pick(120) : t;  // sometimes late, sometimes too late
    if (r == 8) t += 200;
    s.action = actions[pick(4)];
    s.value = "v" + std::to_string(pick(6));
    s.bytes = pick(50);
    out.push_back(s);
  }
  return out;
}

std::string step_json(const Step& s) {
  return R"({"action":")" + s.action + R"(","user":"u","v":")" + s.value + R"(","bytes":)" +
         std::to_string(s.bytes) + "}";
}

void check_against_reference(const std::string& correlation, size_t cap) {
  state::StateLimits limits;
  limits.max_entries_per_group = cap;
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    Correlator c(correlation, limits, /*lateness_s=*/60);
    ASSERT_TRUE(c.loaded.errors.empty()) << c.errors();
    ASSERT_EQ(c.loaded.correlations.size(), 1u);
    const Correlation& corr = *c.loaded.correlations.front();
    Reference ref(corr, 60, cap);
    const auto steps = random_stream(seed, 3000);
    size_t fired = 0;
    for (size_t i = 0; i < steps.size(); ++i) {
      const auto expected = ref.feed(steps[i]);
      std::optional<Expected> got;
      for (const auto& a : c.feed(steps[i].t, step_json(steps[i]))) {
        if (a.rule != corr.meta.display_name()) continue;
        got = Expected{a.context.find("value")->number(),
                       static_cast<size_t>(a.context.find("events_in_window")->number())};
      }
      ASSERT_EQ(expected.has_value(), got.has_value())
          << corr.meta.display_name() << " seed " << seed << " step " << i;
      if (!expected) continue;
      ++fired;
      EXPECT_DOUBLE_EQ(expected->value, got->value) << "seed " << seed << " step " << i;
      EXPECT_EQ(expected->events, got->events) << "seed " << seed << " step " << i;
    }
    EXPECT_GT(fired, 10u) << "seed " << seed << ": the stream must exercise the condition";
    EXPECT_LT(fired, steps.size() / 2) << "seed " << seed << ": and must not always hold";
  }
}

TEST(CorrelationIncremental, EventCountMatchesRescans) {
  check_against_reference(
      "title: c\nname: c\ncorrelation: {type: event_count, rules: [failed_login], group-by: "
      "[user], timespan: 1m, condition: {gte: 4, lte: 9}}\n",
      10000);
}

TEST(CorrelationIncremental, ValueCountMatchesRescansWithTheCapDropping) {
  for (size_t cap : {size_t{7}, size_t{10000}}) {
    check_against_reference(
        "title: c\nname: c\ncorrelation: {type: value_count, rules: [failed_login, read], "
        "group-by: [user], timespan: 2m, condition: {field: v, gte: 3, lt: 6}}\n",
        cap);
  }
}

TEST(CorrelationIncremental, TemporalOrderedMatchesRescans) {
  for (size_t cap : {size_t{5}, size_t{10000}}) {
    check_against_reference(
        "title: c\nname: c\ncorrelation: {type: temporal_ordered, rules: [read, failed_login, "
        "login_ok], group-by: [user], timespan: 30s}\n",
        cap);
  }
}

TEST(CorrelationIncremental, ValueAggregationsMatchRescans) {
  const char* kinds[][2] = {
      {"value_sum", "gt: 200"},    {"value_avg", "gte: 30"},
      {"value_min", "gte: 8"},     {"value_max", "lt: 40"},
      {"value_median", "gte: 30"}, {"value_percentile", "percentile: 80, gte: 44"}};
  for (const auto& [type, condition] : kinds) {
    SCOPED_TRACE(type);
    check_against_reference(std::string("title: c\nname: c\ncorrelation: {type: ") + type +
                                ", rules: [read], group-by: [user], timespan: 2m, condition: "
                                "{field: bytes, " +
                                condition + "}}\n",
                            40);
  }
}

}  // namespace
}  // namespace vigil::sigma::testing
