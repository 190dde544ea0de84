// What one correlation aggregates over the entries of one group's window
// (count, distinct values, rules seen, sum/avg/min/max/median/percentile),
// kept up to date one entry at a time so that checking a window costs
// O(log n) or less, however many entries it holds: distinct values in a
// counted map, referenced rules in per-rule ordered sets, numbers in an
// order-statistics tree.
#pragma once

#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "detect/correlation.h"
#include "state/state_store.h"

namespace vigil::sigma {

class WindowAggregate {
 public:
  explicit WindowAggregate(const Correlation& c);

  // Whether this aggregate was built for `c` (a reload may change a
  // correlation's type, rules or fields under the same id).
  bool fits(const Correlation& c) const;
  // Adds `e`, one of the entries the window covers, and takes one out again
  // (the entry itself, as the window's owner still holds it: the aggregate
  // keeps no copy of its entries).
  void insert(const state::WindowEntry& e);
  void remove(const state::WindowEntry& e);
  size_t size() const { return size_; }

  // The aggregate when `c`'s condition holds over the entries, else nullopt.
  std::optional<double> holding_value(const Correlation& c) const;
  // How far the aggregate is towards `c`'s lower bound (`gte`/`gt`; for
  // temporal rules without one, all referenced rules): 0 for nothing, 1 or
  // more at the bound. 1 when the condition has no lower bound (`lt`, `eq`,
  // `neq`) or the type's value can fall as entries arrive (avg, min, ...).
  double progress(const Correlation& c) const;

 private:
  using NumberTree =
      __gnu_pbds::tree<std::pair<double, uint64_t>, __gnu_pbds::null_type,
                       std::less<std::pair<double, uint64_t>>, __gnu_pbds::rb_tree_tag,
                       __gnu_pbds::tree_order_statistics_node_update>;

  // min, max, median, percentile: value_sum and value_avg need only the sum.
  static bool needs_order_statistics(CorrelationType t) {
    return aggregates_values(t) && t != CorrelationType::kValueSum &&
           t != CorrelationType::kValueAvg;
  }
  // event_count, value_count, value_sum: the count or sum, which only grows
  // as entries arrive (what progress() measures towards a lower bound).
  double growing_value() const;
  double number_at_rank(size_t rank) const;
  double percentile(double p) const;
  bool ordered_chain() const;

  CorrelationType type_;
  size_t rule_count_;
  uint64_t fields_hash_;
  size_t size_ = 0;
  // value_count only: entries per distinct value hash (an empty map is 56
  // bytes in every group of the other types)
  using KeyCounts = std::unordered_map<uint64_t, uint32_t>;
  std::unique_ptr<KeyCounts> keys_;
  // temporal: (time, seq) of each referenced rule's entries, sorted (a sweep
  // only appends and pops; a late insert lands near the end)
  std::vector<state::SlidingVector<std::pair<int64_t, uint64_t>>> by_source_;
  // value_min/max/median/percentile: (number, seq); only those types have
  // one (the tree allocates its header when constructed and a node per
  // entry, and most groups are short-lived)
  std::unique_ptr<NumberTree> numbers_;
  long double sum_ = 0;
};

// The window of a group as the engine keeps it beside the store's entries:
// the aggregate over the window ending at the group's newest event,
// entries[first ..]. Derived state: rebuilt from the entries whenever it
// does not match them.
struct GroupWindow final : state::WindowDerived {
  explicit GroupWindow(const Correlation& c) : aggregate(c), timespan_us(c.timespan_us) {}
  // The group's oldest entry is leaving it.
  void dropping_oldest(const state::WindowEntry& oldest) override;

  WindowAggregate aggregate;  // over entries[first ..]
  int64_t timespan_us;
  size_t first = 0;
  size_t expected_size = 0;  // entries.size() after the last update
};

// The group's window for `c`, checked against its entries and rebuilt from
// them when it does not match (a new group, a reloaded correlation, a store
// that dropped entries without telling it).
GroupWindow& group_window(const Correlation& c, state::WindowState& w);

// Inserts `entry` in event-time order (after entries of the same time) and
// moves the group's window to end at w.newest_us; returns its index.
size_t insert_entry(const Correlation& c, state::WindowState& w, GroupWindow& g,
                    state::WindowEntry entry);

struct WindowResult {
  double value = 0;   // the aggregate the condition was checked against
  size_t events = 0;  // entries inside the window
  size_t first = 0;   // index range [first, last] of the window's entries
  size_t last = 0;
};

// The window ending at the newest entry (the one just added in order), from
// the group's kept aggregate.
std::optional<WindowResult> evaluate_newest(const Correlation& c, const state::WindowState& w,
                                            const GroupWindow& g);

// A late entry, inserted at `at`: every window that now contains it, oldest
// end first, until one holds. The windows are swept left to right, each
// entry added and removed once: O(entries between the window of `at` and
// `at`'s time + timespan).
std::optional<WindowResult> evaluate_late(const Correlation& c, const state::WindowState& w,
                                          size_t at);

}  // namespace vigil::sigma
