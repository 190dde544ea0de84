// The in-memory indicator store: every source's indicators behind immutable
// indexes that are rebuilt and swapped atomically on each change, so lookups
// never lock against an update and never see half a feed. Two tiers: large
// feeds in one index, small sources (manual and vigil's own indicators, small
// feeds) in another, so adding one indicator rebuilds only the small tier.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/timestamp.h"
#include "intel/allowlist.h"
#include "intel/indicator.h"
#include "intel/indicator_index.h"
#include "metrics/counter.h"

namespace vigil::intel {

// What every live source says about one value, aggregated as the seed's
// check_ioc does: highest severity and confidence, all sources, earliest
// first_seen, latest last_seen, union of tags.
struct LookupResult {
  std::string value;  // normalized
  IndicatorType type = IndicatorType::kIpv4;
  Severity severity = Severity::kInfo;
  int confidence = 0;
  std::vector<std::string> sources;  // sorted, unique
  Timestamp first_seen;
  Timestamp last_seen;
  std::vector<std::string> tags;   // sorted, unique
  std::vector<Indicator> matches;  // each matching indicator, as its source gave it
};

// A lookup's verdict without a copy of anything: whether a live, not
// allowlisted indicator matches, and the aggregate of the matches that event
// matching decides on. The whole LookupResult (sources, tags, each indicator)
// is built only for a match, by View::lookup.
struct Verdict {
  uint32_t indicators = 0;  // live matching indicators (0: no match)
  Severity severity = Severity::kInfo;
  int confidence = 0;
  Timestamp first_seen;
  Timestamp last_seen;

  explicit operator bool() const { return indicators > 0; }
  void add(const IndicatorRef& indicator);
};

// A short stable id for one indicator (source, type, value): 16 hex digits.
// What the API deletes by.
std::string indicator_id(const Indicator& indicator);
std::string indicator_id(std::string_view source, IndicatorType type, std::string_view value);

struct SourceSummary {
  std::string name;
  size_t indicators = 0;
};

class IndicatorStore {
  struct Tiers;

 public:
  explicit IndicatorStore(Allowlist allowlist = Allowlist::with_defaults());

  // The indicators as they are now, for several lookups in a row (one event's
  // fields): one snapshot instead of one per lookup. Updates published after
  // view() are not seen through it.
  class View {
   public:
    std::optional<LookupResult> lookup(std::string_view value, std::optional<IndicatorType> type,
                                       Timestamp now) const;
    std::optional<LookupResult> lookup(const LookupKey& key, Timestamp now) const;
    std::optional<LookupResult> lookup_ip(const IpPrefix& address, Timestamp now) const;

    // Verdicts only (no allocation; suppressed matches are counted as by lookup).
    Verdict check(const LookupKey& key, Timestamp now) const;
    Verdict check_ip(const IpPrefix& address, Timestamp now) const;
    // Batches: out[i] is the verdict for keys[i] (addresses[i]); out.size() >= the input's.
    // A lookup at millions of indicators waits for memory (a bucket, an
    // interval, a record: each a cache miss); a batch issues a group's loads
    // together, so that the waits overlap instead of adding up.
    void check(std::span<const LookupKey> keys, Timestamp now, std::span<Verdict> out) const;
    // The same in two steps, for callers that normalize a batch's keys one
    // by one (event matching): request(key) right after normalizing it
    // returns its fingerprint and starts loading what the check will read, so
    // the loads overlap the normalization of the next keys; check(keys,
    // fingerprints, ...) then finds them in cache.
    uint64_t request(const LookupKey& key) const;
    void check(std::span<const LookupKey> keys, std::span<const uint64_t> fingerprints,
               Timestamp now, std::span<Verdict> out) const;
    void check_ip(std::span<const IpPrefix> addresses, Timestamp now, std::span<Verdict> out) const;
    size_t size() const;

   private:
    friend class IndicatorStore;
    Verdict exact_verdict(const LookupKey& key, uint64_t fingerprint, Timestamp now) const;
    View(const IndicatorStore& store, std::shared_ptr<const Tiers> tiers)
        : store_(&store), tiers_(std::move(tiers)) {}
    const IndicatorStore* store_;
    std::shared_ptr<const Tiers> tiers_;
  };
  View view() const { return View(*this, snapshot()); }

  // Replaces everything `source` said before with `indicators` (their
  // `source` field is set to it). An empty list removes the source.
  void replace_source(const std::string& source, std::vector<Indicator> indicators);
  // Several sources in one swap (start-up loads every source at once).
  void replace_sources(std::map<std::string, std::vector<Indicator>> by_source);
  // The same with sources already packed (PackedFeed::Builder, named by source).
  void replace_packed(std::vector<std::shared_ptr<const PackedFeed>> feeds);
  // Adds or replaces (same type and value) indicators of `source`: one
  // rebuild however many, so a burst of internal indicators is not quadratic.
  void upsert(const std::string& source, std::vector<Indicator> indicators);
  // Removes the indicator with this id; its copy, or nullopt when none has it.
  std::optional<Indicator> remove(std::string_view id);
  // Drops every indicator whose valid_until <= now; returns how many.
  size_t purge_expired(Timestamp now);
  // One source's indicators (null when it has none).
  std::shared_ptr<const PackedFeed> source(std::string_view name) const;

  // Normalizes `value` (type inferred when nullopt) and aggregates the live,
  // not-allowlisted matches at `now`. nullopt: no match, unreadable value, or
  // allowlisted (then suppressed_matches() counts it).
  std::optional<LookupResult> lookup(std::string_view value,
                                     std::optional<IndicatorType> type = std::nullopt,
                                     Timestamp now = Timestamp::now()) const;
  // An address or range, already parsed (event fields hold IPs most often).
  std::optional<LookupResult> lookup_ip(const IpPrefix& address, Timestamp now) const;

  // Also counts suppressed matches in `counter` (a metric); set before use.
  void count_suppressed_in(metrics::Counter* counter) { suppressed_metric_ = counter; }
  uint64_t suppressed_matches() const { return suppressed_.load(std::memory_order_relaxed); }
  size_t size() const;
  std::vector<SourceSummary> sources() const;

 private:
  // Sources below this many indicators live in the small tier.
  static constexpr size_t kSmallSourceMax = 65536;
  struct Tiers {
    std::shared_ptr<const IndicatorIndex> large;
    std::shared_ptr<const IndicatorIndex> small;
  };
  std::shared_ptr<const Tiers> snapshot() const { return index_.load(); }
  SourceMap all_sources() const;
  // Publishes `sources` split by size, rebuilding only the tiers whose sources
  // changed (the names in `changed`). Called under writer_.
  void publish(SourceMap sources, const std::vector<std::string>& changed);
  // The verdict after the allowlist, consulted only for a match (so it costs
  // nothing on the miss path), counting the matches it suppresses.
  template <typename Allowlisted>
  Verdict screen(Verdict verdict, Allowlisted&& allowlisted) const;
  // Publishes `feeds` (named by source; an empty one removes its source). Under writer_.
  void replace_locked(std::vector<std::shared_ptr<const PackedFeed>> feeds);

  Allowlist allowlist_;
  std::mutex writer_;  // one update at a time; readers never take it
  std::atomic<std::shared_ptr<const Tiers>> index_;
  mutable std::atomic<uint64_t> suppressed_{0};
  metrics::Counter* suppressed_metric_ = nullptr;
};

}  // namespace vigil::intel
