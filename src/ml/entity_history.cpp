#include "ml/entity_history.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace vigil::ml {
namespace {

constexpr double kVolumeMemory = 50;   // volumes the running mean roughly averages over
constexpr double kHourMemory = 10000;  // hour counts are halved past this many events
// What an entity without habits gets for hour_share: the share of three
// hours out of 24 if its events were spread evenly.
constexpr float kEvenHourShare = 3.0f / 24.0f;

int hour_of_day(int64_t t) {
  return static_cast<int>(((t % 86400) + 86400) % 86400 / 3600);
}

}  // namespace

void EntityHistory::decay_to(int64_t time_s, double half_life_s) {
  // Out-of-order events count as simultaneous: the window never grows back.
  if (events_ > 0 && time_s > last_s_) {
    const double keep = std::exp2(-static_cast<double>(time_s - last_s_) / half_life_s);
    rate_weight_ *= keep;
    failure_weight_ *= keep;
  }
  if (events_ == 0 || time_s > last_s_) last_s_ = time_s;
}

bool EntityHistory::remember(std::vector<uint64_t>& seen, uint64_t hash, size_t cap) {
  auto it = std::find(seen.begin(), seen.end(), hash);
  const bool known = it != seen.end();
  if (known)
    seen.erase(it);
  else if (seen.size() >= cap)
    seen.erase(seen.begin());  // least recently seen
  seen.push_back(hash);
  return known;
}

std::optional<EntityHistory::Nearest> EntityHistory::nearest(behavior::GeoPoint p) const {
  std::optional<Nearest> best;
  for (size_t i = 0; i < spots_.size(); ++i) {
    const double d = behavior::distance_km(p, spots_[i].point);
    if (!best || d < best->km) best = Nearest{i, d};
  }
  return best;
}

// The distances were computed once for the feature: a place within
// kSamePlaceKm of the nearest spot is that spot.
void EntityHistory::learn_place(behavior::GeoPoint p, const std::optional<Nearest>& near) {
  if (near && near->km <= kSamePlaceKm) {
    spots_[near->index].weight += 1;
    return;
  }
  if (spots_.size() >= kMaxPlaces) {
    // Replace the least visited place: a new city must be able to become usual.
    auto least = std::min_element(spots_.begin(), spots_.end(), [](const Place& a, const Place& b) {
      return a.weight < b.weight;
    });
    *least = Place{p, 1};
    return;
  }
  spots_.push_back(Place{p, 1});
}

HistoryView EntityHistory::observe(const EventFacts& facts, const Limits& limits, FeatureRow& row) {
  const behavior::Observation& o = facts.observation;
  HistoryView view;
  view.events = events_;
  if (volumes_ > 0) view.usual_kb = std::expm1(log_kb_mean_);
  std::optional<Nearest> near;
  if (o.point) near = nearest(*o.point);
  if (near) view.nearest_km = near->km;

  // Novelty against what was seen before this event; an entity too young to
  // have habits has no novelty.
  const bool mature = events_ >= limits.novelty_min_events;
  bool new_ip = false, new_resource = false, new_place = false;
  if (facts.ip_hash) new_ip = !remember(ips_, *facts.ip_hash, limits.max_values);
  for (const uint64_t r : facts.resource_hashes)
    new_resource |= !remember(resources_, r, limits.max_values);
  if (facts.place_hash) new_place = !remember(places_, *facts.place_hash, limits.max_values);
  row[kNewIp] = mature && new_ip ? 1.0f : 0.0f;
  row[kNewResource] = mature && new_resource ? 1.0f : 0.0f;
  row[kNewPlace] = mature && new_place ? 1.0f : 0.0f;
  row[kGeoDistance] =
      mature && view.nearest_km ? static_cast<float>(std::log1p(*view.nearest_km)) : 0.0f;
  const int hour = hour_of_day(o.time_s);
  if (mature && hours_total_ > 0) {
    const double near = hours_[static_cast<size_t>((hour + 23) % 24)] +
                        hours_[static_cast<size_t>(hour)] +
                        hours_[static_cast<size_t>((hour + 1) % 24)];
    view.hour_share = near / hours_total_;
  }
  row[kHourShare] = view.hour_share ? static_cast<float>(*view.hour_share) : kEvenHourShare;
  row[kVolumeVsUsual] = 0.0f;
  if (o.bytes && volumes_ > 0 && mature)
    row[kVolumeVsUsual] = static_cast<float>(std::log1p(*o.bytes / 1024.0) - log_kb_mean_);

  decay_to(o.time_s, limits.rate_half_life_s);
  rate_weight_ += 1;
  if (facts.failure) failure_weight_ += 1;
  ++events_;
  // A decayed count w with half-life H estimates rate · H / ln 2.
  view.rate_per_hour = rate_weight_ * std::numbers::ln2 / limits.rate_half_life_s * 3600.0;
  view.failure_ratio = failure_weight_ / rate_weight_;
  row[kEventRate] = static_cast<float>(std::log1p(view.rate_per_hour));
  row[kFailureRatio] = static_cast<float>(view.failure_ratio);

  if (o.bytes) {
    const double x = std::log1p(*o.bytes / 1024.0);
    ++volumes_;
    log_kb_mean_ +=
        (x - log_kb_mean_) / std::min<double>(static_cast<double>(volumes_), kVolumeMemory);
  }
  if (o.point) learn_place(*o.point, near);
  hours_[static_cast<size_t>(hour)] += 1;
  hours_total_ += 1;
  if (hours_total_ > kHourMemory) {
    for (float& h : hours_) h /= 2;
    hours_total_ /= 2;
  }
  return view;
}

EntityTable::EntityTable(uint64_t max_entities, EntityHistory::Limits limits)
    : per_shard_(std::max<size_t>(1, max_entities / kShards)), limits_(limits) {}

HistoryView EntityTable::observe(const EventFacts& facts, FeatureRow& row) {
  const std::string& entity = facts.observation.entity;
  const uint64_t key = XXH3_64bits(entity.data(), entity.size());
  Shard& shard = shards_[key % kShards];
  std::lock_guard lock(shard.mu);
  auto it = shard.nodes.find(key);
  if (it != shard.nodes.end()) {
    shard.lru.splice(shard.lru.begin(), shard.lru, it->second.lru);
  } else {
    if (shard.nodes.size() >= per_shard_) {
      shard.nodes.erase(shard.lru.back());
      shard.lru.pop_back();
    }
    shard.lru.push_front(key);
    it = shard.nodes.emplace(key, Node{{}, shard.lru.begin()}).first;
  }
  return it->second.history.observe(facts, limits_, row);
}

size_t EntityTable::size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.nodes.size();
  }
  return n;
}

}  // namespace vigil::ml
