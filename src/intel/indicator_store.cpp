#include "intel/indicator_store.h"

#include <algorithm>

namespace vigil::intel {
namespace {

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

void aggregate(LookupResult& r, const Indicator& ind) {
  if (r.matches.empty()) {
    r.first_seen = ind.first_seen;
    r.last_seen = ind.last_seen;
  }
  r.severity = std::max(r.severity, ind.severity);
  r.confidence = std::max(r.confidence, ind.confidence);
  r.first_seen = std::min(r.first_seen, ind.first_seen);
  r.last_seen = std::max(r.last_seen, ind.last_seen);
  r.sources.push_back(ind.source);
  r.tags.insert(r.tags.end(), ind.tags.begin(), ind.tags.end());
  r.matches.push_back(ind);
}

}  // namespace

IndicatorStore::IndicatorStore(Allowlist allowlist) : allowlist_(std::move(allowlist)) {
  index_.store(std::make_shared<const IndicatorIndex>(SourceMap{}));
}

void IndicatorStore::publish(SourceMap sources) {
  index_.store(std::make_shared<const IndicatorIndex>(std::move(sources)));
}

void IndicatorStore::replace_source(const std::string& source, std::vector<Indicator> indicators) {
  std::map<std::string, std::vector<Indicator>> one;
  one.emplace(source, std::move(indicators));
  replace_sources(std::move(one));
}

void IndicatorStore::replace_sources(std::map<std::string, std::vector<Indicator>> by_source) {
  std::lock_guard lock(writer_);
  SourceMap sources = snapshot()->sources();
  for (auto& [source, indicators] : by_source) {
    for (Indicator& ind : indicators) ind.source = source;
    if (indicators.empty()) {
      sources.erase(source);
    } else {
      sources[source] =
          std::make_shared<const SourceFeed>(SourceFeed{source, std::move(indicators)});
    }
  }
  publish(std::move(sources));
}

size_t IndicatorStore::purge_expired(Timestamp now) {
  std::lock_guard lock(writer_);
  SourceMap sources = snapshot()->sources();
  size_t removed = 0;
  for (auto it = sources.begin(); it != sources.end();) {
    const auto& old = it->second->indicators;
    const auto expired = [&](const Indicator& i) { return i.valid_until <= now; };
    const size_t n = static_cast<size_t>(std::count_if(old.begin(), old.end(), expired));
    removed += n;
    if (n == 0) {
      ++it;
      continue;
    }
    SourceFeed kept{it->first, {}};
    std::copy_if(old.begin(), old.end(), std::back_inserter(kept.indicators),
                 [&](const Indicator& i) { return !expired(i); });
    if (kept.indicators.empty()) {
      it = sources.erase(it);
    } else {
      it->second = std::make_shared<const SourceFeed>(std::move(kept));
      ++it;
    }
  }
  if (removed > 0) publish(std::move(sources));
  return removed;
}

std::optional<LookupResult> IndicatorStore::lookup(std::string_view value,
                                                   std::optional<IndicatorType> type,
                                                   Timestamp now) const {
  const bool ip_type =
      type == IndicatorType::kIpv4 || type == IndicatorType::kIpv6 || type == IndicatorType::kCidr;
  if (!type || ip_type) {
    if (auto ip = IpPrefix::parse(value)) return lookup_ip(*ip, now);
    if (ip_type) return std::nullopt;
  }
  auto normalized = normalize_indicator(value, type);
  if (!normalized) return std::nullopt;
  return lookup(*normalized, now);
}

// Runs `match` over the snapshot, then applies the allowlist: it is checked
// only after a match, so it costs nothing on the miss path and only matches it
// actually prevented are counted.
template <typename Match, typename Allowed>
std::optional<LookupResult> IndicatorStore::aggregate_matches(Match&& match,
                                                              Allowed&& allowed) const {
  LookupResult r;
  match(r);
  if (r.matches.empty()) return std::nullopt;
  if (allowed()) {
    suppressed_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  sort_unique(r.sources);
  sort_unique(r.tags);
  return r;
}

std::optional<LookupResult> IndicatorStore::lookup(const NormalizedValue& value,
                                                   Timestamp now) const {
  const auto index = snapshot();
  auto r = aggregate_matches(
      [&](LookupResult& out) {
        index->for_each_match(value, [&](const Indicator& ind) {
          if (ind.valid_until > now) aggregate(out, ind);
        });
      },
      [&] { return allowlist_.allows(value); });
  if (r) {
    r->value = value.value;
    r->type = value.type;
  }
  return r;
}

std::optional<LookupResult> IndicatorStore::lookup_ip(const IpPrefix& address,
                                                      Timestamp now) const {
  const auto index = snapshot();
  auto r = aggregate_matches(
      [&](LookupResult& out) {
        index->for_each_ip_match(address, [&](const Indicator& ind) {
          if (ind.valid_until > now) aggregate(out, ind);
        });
      },
      [&] { return allowlist_.allows_ip(address); });
  if (r) {
    r->value = address.to_string();
    r->type = !address.is_host() ? IndicatorType::kCidr
              : address.v6       ? IndicatorType::kIpv6
                                 : IndicatorType::kIpv4;
  }
  return r;
}

std::vector<SourceSummary> IndicatorStore::sources() const {
  std::vector<SourceSummary> out;
  for (const auto& [name, feed] : snapshot()->sources()) {
    out.push_back({name, feed->indicators.size()});
  }
  return out;
}

}  // namespace vigil::intel
