// The in-memory indicator store: every source's indicators behind one
// immutable index that is rebuilt and swapped atomically on each change, so
// lookups never lock against an update and never see half a feed.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/timestamp.h"
#include "intel/allowlist.h"
#include "intel/indicator.h"
#include "intel/indicator_index.h"

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

struct SourceSummary {
  std::string name;
  size_t indicators = 0;
};

class IndicatorStore {
 public:
  explicit IndicatorStore(Allowlist allowlist = Allowlist::with_defaults());

  // Replaces everything `source` said before with `indicators` (their
  // `source` field is set to it). An empty list removes the source.
  void replace_source(const std::string& source, std::vector<Indicator> indicators);
  // Several sources in one swap (start-up loads every source at once).
  void replace_sources(std::map<std::string, std::vector<Indicator>> by_source);
  // Drops every indicator whose valid_until <= now; returns how many.
  size_t purge_expired(Timestamp now);

  // Normalizes `value` (type inferred when nullopt) and aggregates the live,
  // not-allowlisted matches at `now`. nullopt: no match, unreadable value, or
  // allowlisted (then suppressed_matches() counts it).
  std::optional<LookupResult> lookup(std::string_view value,
                                     std::optional<IndicatorType> type = std::nullopt,
                                     Timestamp now = Timestamp::now()) const;
  std::optional<LookupResult> lookup(const NormalizedValue& value, Timestamp now) const;
  // An address or range, already parsed (event fields hold IPs most often).
  std::optional<LookupResult> lookup_ip(const IpPrefix& address, Timestamp now) const;

  uint64_t suppressed_matches() const { return suppressed_.load(std::memory_order_relaxed); }
  size_t size() const { return snapshot()->size(); }
  std::vector<SourceSummary> sources() const;

 private:
  std::shared_ptr<const IndicatorIndex> snapshot() const { return index_.load(); }
  void publish(SourceMap sources);
  template <typename Match, typename Allowed>
  std::optional<LookupResult> aggregate_matches(Match&& match, Allowed&& allowed) const;

  Allowlist allowlist_;
  std::mutex writer_;  // one update at a time; readers never take it
  std::atomic<std::shared_ptr<const IndicatorIndex>> index_;
  mutable std::atomic<uint64_t> suppressed_{0};
};

}  // namespace vigil::intel
