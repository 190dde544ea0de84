#include "intel/indicator_store.h"

#include <fmt/format.h>

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

std::string indicator_id(const Indicator& indicator) {
  // FNV-1a, 64 bits: stable across runs and builds (std::hash is not).
  uint64_t h = 1469598103934665603ull;
  const auto mix = [&h](std::string_view s) {
    for (const char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  };
  mix(indicator.source);
  mix(to_string(indicator.type));
  mix(indicator.value);
  return fmt::format("{:016x}", h);
}

IndicatorStore::IndicatorStore(Allowlist allowlist) : allowlist_(std::move(allowlist)) {
  auto empty = std::make_shared<const IndicatorIndex>(SourceMap{});
  index_.store(std::make_shared<const Tiers>(Tiers{empty, empty}));
}

SourceMap IndicatorStore::all_sources() const {
  const auto tiers = snapshot();
  SourceMap all = tiers->large->sources();
  for (const auto& [name, feed] : tiers->small->sources()) all.emplace(name, feed);
  return all;
}

size_t IndicatorStore::size() const {
  return view().size();
}

size_t IndicatorStore::View::size() const {
  return tiers_->large->size() + tiers_->small->size();
}

void IndicatorStore::publish(SourceMap sources, const std::vector<std::string>& changed) {
  const auto old = snapshot();
  SourceMap large, small;
  for (auto& [name, feed] : sources) {
    (feed->indicators.size() < kSmallSourceMax ? small : large).emplace(name, std::move(feed));
  }
  const auto touches = [&](const SourceMap& before, const SourceMap& after) {
    return std::any_of(changed.begin(), changed.end(), [&](const std::string& name) {
      return before.count(name) > 0 || after.count(name) > 0;
    });
  };
  Tiers next = *old;
  if (touches(old->large->sources(), large))
    next.large = std::make_shared<const IndicatorIndex>(std::move(large));
  if (touches(old->small->sources(), small))
    next.small = std::make_shared<const IndicatorIndex>(std::move(small));
  index_.store(std::make_shared<const Tiers>(std::move(next)));
}

void IndicatorStore::replace_source(const std::string& source, std::vector<Indicator> indicators) {
  std::map<std::string, std::vector<Indicator>> one;
  one.emplace(source, std::move(indicators));
  replace_sources(std::move(one));
}

void IndicatorStore::replace_sources(std::map<std::string, std::vector<Indicator>> by_source) {
  std::lock_guard lock(writer_);
  SourceMap sources = all_sources();
  std::vector<std::string> changed;
  for (auto& [source, indicators] : by_source) {
    changed.push_back(source);
    for (Indicator& ind : indicators) ind.source = source;
    if (indicators.empty()) {
      sources.erase(source);
    } else {
      sources[source] =
          std::make_shared<const SourceFeed>(SourceFeed{source, std::move(indicators)});
    }
  }
  publish(std::move(sources), changed);
}

void IndicatorStore::upsert(Indicator indicator) {
  std::lock_guard lock(writer_);
  SourceMap sources = all_sources();
  const std::string name = indicator.source;
  SourceFeed feed{name, {}};
  if (auto it = sources.find(name); it != sources.end()) feed.indicators = it->second->indicators;
  auto same = std::find_if(feed.indicators.begin(), feed.indicators.end(), [&](const Indicator& i) {
    return i.type == indicator.type && i.value == indicator.value;
  });
  if (same != feed.indicators.end()) {
    *same = std::move(indicator);
  } else {
    feed.indicators.push_back(std::move(indicator));
  }
  sources[name] = std::make_shared<const SourceFeed>(std::move(feed));
  publish(std::move(sources), {name});
}

std::optional<Indicator> IndicatorStore::remove(std::string_view id) {
  std::lock_guard lock(writer_);
  SourceMap sources = all_sources();
  for (auto& [name, feed] : sources) {
    const auto& inds = feed->indicators;
    auto it = std::find_if(inds.begin(), inds.end(),
                           [&](const Indicator& i) { return indicator_id(i) == id; });
    if (it == inds.end()) continue;
    Indicator removed = *it;
    SourceFeed kept{name, {}};
    kept.indicators.reserve(inds.size() - 1);
    kept.indicators.insert(kept.indicators.end(), inds.begin(), it);
    kept.indicators.insert(kept.indicators.end(), it + 1, inds.end());
    const std::string source = name;
    if (kept.indicators.empty()) {
      sources.erase(source);
    } else {
      feed = std::make_shared<const SourceFeed>(std::move(kept));
    }
    publish(std::move(sources), {source});
    return removed;
  }
  return std::nullopt;
}

std::shared_ptr<const SourceFeed> IndicatorStore::source(std::string_view name) const {
  const auto tiers = snapshot();
  for (const auto* index : {tiers->large.get(), tiers->small.get()}) {
    if (auto it = index->sources().find(name); it != index->sources().end()) return it->second;
  }
  return nullptr;
}

size_t IndicatorStore::purge_expired(Timestamp now) {
  std::lock_guard lock(writer_);
  SourceMap sources = all_sources();
  size_t removed = 0;
  std::vector<std::string> changed;
  for (auto it = sources.begin(); it != sources.end();) {
    const auto& old = it->second->indicators;
    const auto expired = [&](const Indicator& i) { return i.valid_until <= now; };
    const size_t n = static_cast<size_t>(std::count_if(old.begin(), old.end(), expired));
    removed += n;
    if (n == 0) {
      ++it;
      continue;
    }
    changed.push_back(it->first);
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
  if (removed > 0) publish(std::move(sources), changed);
  return removed;
}

std::optional<LookupResult> IndicatorStore::lookup(std::string_view value,
                                                   std::optional<IndicatorType> type,
                                                   Timestamp now) const {
  return view().lookup(value, type, now);
}

std::optional<LookupResult> IndicatorStore::lookup(const NormalizedValue& value,
                                                   Timestamp now) const {
  return view().lookup(value, now);
}

std::optional<LookupResult> IndicatorStore::lookup_ip(const IpPrefix& address,
                                                      Timestamp now) const {
  return view().lookup_ip(address, now);
}

std::optional<LookupResult> IndicatorStore::View::lookup(std::string_view value,
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
    if (suppressed_metric_) suppressed_metric_->inc();
    return std::nullopt;
  }
  sort_unique(r.sources);
  sort_unique(r.tags);
  return r;
}

std::optional<LookupResult> IndicatorStore::View::lookup(const NormalizedValue& value,
                                                         Timestamp now) const {
  auto r = store_->aggregate_matches(
      [&](LookupResult& out) {
        for (const auto* index : {tiers_->large.get(), tiers_->small.get()}) {
          if (index->size() == 0) continue;
          index->for_each_match(value, [&](const Indicator& ind) {
            if (ind.valid_until > now) aggregate(out, ind);
          });
        }
      },
      [&] { return store_->allowlist_.allows(value); });
  if (r) {
    r->value = value.value;
    r->type = value.type;
  }
  return r;
}

std::optional<LookupResult> IndicatorStore::View::lookup_ip(const IpPrefix& address,
                                                            Timestamp now) const {
  auto r = store_->aggregate_matches(
      [&](LookupResult& out) {
        for (const auto* index : {tiers_->large.get(), tiers_->small.get()}) {
          if (index->size() == 0) continue;
          index->for_each_ip_match(address, [&](const Indicator& ind) {
            if (ind.valid_until > now) aggregate(out, ind);
          });
        }
      },
      [&] { return store_->allowlist_.allows_ip(address); });
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
  for (const auto& [name, feed] : all_sources()) {
    out.push_back({name, feed->indicators.size()});
  }
  return out;
}

}  // namespace vigil::intel
