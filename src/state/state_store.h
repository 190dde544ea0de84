// Window state for streaming correlation, behind one interface so several
// vigil nodes can later share it (a Redis implementation) without touching
// the rules or the engine. What the state package offers:
//   WindowState       one group's events inside a correlation's window
//   StateStore        keyed access to window states, bounded and expiring
//   MemoryStateStore  the in-process default (memory_state_store.h)
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/value.h"
#include "metrics/counter.h"
#include "metrics/gauge.h"
#include "state/sliding_vector.h"

namespace vigil::state {

class Evidence;

// One event that a correlation counted: when, which referenced rule matched
// it, and what the correlation aggregates (a distinct key, a number). Kept
// small (40 bytes): a busy window holds hundreds of thousands of them, and
// they were the largest part of a default replay's heap (docs/benchmarks.md).
struct WindowEntry {
  int64_t time_us = 0;  // event time
  // A correlation aggregates one or the other (or neither: event_count and
  // the temporal types), so they share the slot; only the correlation's own
  // kind is ever read.
  union {
    double number = 0;  // value_sum/avg/min/max/median/percentile
    // value_count: the distinct value (or tuple) as a 64-bit hash. Counting
    // distinct values needs only equality, and the text cost a 32-byte string
    // plus a heap copy per entry and another in the counted map; two values
    // share a hash with odds of ~2^-64 per pair.
    uint64_t key_hash;
  };
  // The triggering event, kept only for the newest few entries of a group
  // (alerts carry them) and within the evidence budget; older entries drop
  // it to bound memory.
  std::shared_ptr<const Evidence> evidence;
  // Arrival order in the group (WindowState::next_seq), which breaks ties
  // between entries of one time (or one number) so that each has a key of
  // its own in the aggregates. It wraps after 2^32 entries; keys stay unique
  // because a group holds far fewer live entries (StateLimits).
  uint32_t seq = 0;
  uint32_t source = 0;  // index of the referenced rule in the correlation
};
static_assert(sizeof(WindowEntry) <= 40);

// Bytes of evidence held by window entries, over all groups, and the most
// that may be (beyond it a new entry keeps no evidence). Shared by the
// evidence it charges, which may outlive the engine that made the budget.
class EvidenceBudget {
 public:
  explicit EvidenceBudget(size_t max_bytes) : max_bytes_(max_bytes) {}
  // Charges `bytes` when they fit under the cap, or under its first half
  // when `whole` is false.
  bool try_charge(size_t bytes, bool whole) {
    const size_t cap = whole ? max_bytes_ : max_bytes_ / 2;
    size_t used = used_.load(std::memory_order_relaxed);
    do {
      if (used + bytes > cap) return false;
    } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    return true;
  }
  void release(size_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }
  size_t used() const { return used_.load(std::memory_order_relaxed); }
  size_t max_bytes() const { return max_bytes_; }

 private:
  size_t max_bytes_;
  std::atomic<size_t> used_{0};
};

class EvidenceDictionary;  // state/evidence_codec.h

// One triggering event as alerts show it: its document as compact JSON
// (raw, like the event itself at detection time; alert outputs sanitize
// it), shared by every window entry that keeps it, and held as a zstd frame
// when an EvidenceCodec made it (~4x smaller). A JSON text is a quarter of
// the memory of the document tree and one allocation instead of dozens.
class Evidence {
 public:
  // `bytes` is the JSON text, or its frame compressed with `dictionary`.
  explicit Evidence(std::string bytes, std::shared_ptr<const EvidenceDictionary> dictionary = {});
  ~Evidence() {
    if (budget_) budget_->release(cost());
  }
  Evidence(const Evidence&) = delete;
  Evidence& operator=(const Evidence&) = delete;

  // The document as compact JSON.
  std::string json() const;
  // What keeping it costs: the bytes and the shared block holding it.
  size_t cost() const { return bytes_.capacity() + sizeof(Evidence) + 16; }
  // Charges the budget once, the first time an entry keeps this evidence;
  // false when the budget is spent (the entry must not keep it then). Only
  // `whole` may use the budget's second half. Callers hold the lock of the
  // group whose entry keeps it; the evidence is shared across groups, hence
  // the atomic flag.
  bool keep_within(const std::shared_ptr<EvidenceBudget>& b, bool whole) const {
    if (charged_.load(std::memory_order_acquire)) return true;
    if (!b->try_charge(cost(), whole)) return false;
    bool expected = false;
    if (!charged_.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) {
      b->release(cost());  // another group charged it meanwhile
      return true;
    }
    budget_ = b;
    return true;
  }

 private:
  const std::string bytes_;
  const std::shared_ptr<const EvidenceDictionary> dictionary_;
  mutable std::atomic<bool> charged_{false};
  mutable std::shared_ptr<EvidenceBudget> budget_;
};

// What the correlation engine derives from a group's entries so it need not
// rescan them per event (distinct-value counts, ...). Stores keep it beside
// the entries and drop it with the group; one that cannot keep it (a remote
// store) leaves it empty and the engine rebuilds it from the entries.
struct WindowDerived {
  virtual ~WindowDerived() = default;
  // `oldest`, the group's first entry, is about to be dropped (it left the
  // retention, or the store's per-group cap): derived state takes it out
  // while it can still read it.
  virtual void dropping_oldest(const WindowEntry& oldest) = 0;
};

// The events of one (correlation, group) inside its window, oldest first.
struct WindowState {
  SlidingVector<WindowEntry> entries;
  int64_t newest_us = INT64_MIN;  // newest event time seen by the group
  int64_t retain_us = 0;          // window + allowed lateness: older entries are dead
  uint32_t next_seq = 0;          // the next entry's WindowEntry::seq
  std::unique_ptr<WindowDerived> derived;

  // Drops the n oldest entries (n <= entries.size()), telling the derived
  // state of each first: the one way entries leave a group.
  void drop_oldest(size_t n) {
    if (derived) {
      for (size_t i = 0; i < n; ++i) derived->dropping_oldest(entries[i]);
    }
    entries.erase_front(n);
  }
};

struct StateStats {
  uint64_t groups = 0;           // groups held now
  uint64_t evicted = 0;          // groups dropped by the cap (least recently seen first)
  uint64_t expired = 0;          // groups dropped because their window passed
  uint64_t entries_dropped = 0;  // entries dropped by the per-group cap
};

struct StateLimits {
  size_t max_groups = 100000;            // over all correlations
  size_t max_entries_per_group = 10000;  // oldest entries dropped beyond this
};

// Where a store reports what the /metrics page shows (any may be null).
struct StateCounters {
  metrics::Counter* evicted = nullptr;
  metrics::Counter* expired = nullptr;
  metrics::Counter* entries_dropped = nullptr;
  metrics::Gauge* groups = nullptr;
};

// What with_window runs: a reference to the caller's callable, not a copy.
// (A std::function allocated on every call for the engine's lambda, which
// captures more than its small buffer holds.) Valid only during the call.
class WindowFn {
 public:
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, WindowFn>>>
  WindowFn(F&& fn)  // NOLINT(google-explicit-constructor): passed like a lambda
      : fn_(const_cast<void*>(static_cast<const void*>(&fn))),
        call_([](void* f, WindowState& w) { (*static_cast<std::remove_reference_t<F>*>(f))(w); }) {}
  void operator()(WindowState& w) const { call_(fn_, w); }

 private:
  void* fn_;
  void (*call_)(void*, WindowState&);
};

class StateStore {
 public:
  virtual ~StateStore() = default;
  // Runs `fn` with exclusive access to the state of `key` (created empty when
  // absent), then applies the per-group cap. `event_time_us` advances the
  // store's watermark (the newest event time seen), which expires groups
  // whose newest event is older than watermark - retain.
  virtual void with_window(std::string_view key, int64_t event_time_us, int64_t retain_us,
                           WindowFn fn) = 0;
  // The newest event time the store has seen (INT64_MIN before any).
  virtual int64_t watermark_us() const = 0;
  virtual StateStats stats() const = 0;
};

}  // namespace vigil::state
