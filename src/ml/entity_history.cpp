#include "ml/entity_history.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>

#include "core/cache_prefetch.h"
#include "ml/model_file.h"
#include "ml/state_files.h"

namespace vigil::ml {
namespace {

constexpr std::string_view kEntitiesMagic = "vigil-ml-entities/1";

constexpr double kVolumeMemory = 50;   // volumes the running mean roughly averages over
constexpr double kHourMemory = 10000;  // hour counts are halved past this many events
// The hour share is smoothed by an eighth of an event (the share of three
// hours out of 24 if the events were spread evenly), so an entity without
// habits gets 3 bits and an hour never seen gets log2(8 (events + 1)) bits:
// ~10 bits after 100 events, far from the 1-3 bits of its working hours.
// The log spreads the rare end, where isolation happens.
constexpr double kHourPrior = 1.0 / 8.0;
constexpr float kEvenHourRarity = 3.0f;

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

void EntityHistory::prefetch() const {
  for (const std::vector<uint64_t>* list : {&ips_, &resources_, &places_, &devices_}) {
    prefetch_lines(list->data(), list->size() * sizeof(uint64_t));
  }
  prefetch_lines(spots_.data(), spots_.size() * sizeof(Place));
}

HistoryView EntityHistory::observe(const EventFacts& facts, const Limits& limits, FeatureRow& row) {
  const behavior::Observation& o = facts.observation;
  HistoryView view;
  view.events = events_;
  if (events_ == 0 || o.time_s < first_s_) first_s_ = o.time_s;
  view.first_seen_s = first_s_;
  if (volumes_ > 0) view.usual_kb = std::expm1(log_kb_mean_);
  std::optional<Nearest> near;
  if (o.point) near = nearest(*o.point);
  if (near) view.nearest_km = near->km;
  if (o.point && last_point_) {
    HistoryView::Travel t;
    t.km = behavior::distance_km(*last_point_, *o.point);
    t.hours = static_cast<double>(std::llabs(o.time_s - last_point_s_)) / 3600.0;
    t.kmh = std::max(0.0, t.km - kSamePlaceKm) / std::max(t.hours, kMinTravelHours);
    t.plausible_kmh = limits.plausible_kmh;
    view.travel = t;
  }

  // Novelty against what was seen before this event; an entity too young to
  // have habits has no novelty.
  const bool mature = events_ >= limits.novelty_min_events;
  bool new_ip = false, new_resource = false, new_place = false;
  if (facts.ip_hash) new_ip = !remember(ips_, *facts.ip_hash, limits.max_values);
  for (const uint64_t r : facts.resource_hashes)
    new_resource |= !remember(resources_, r, limits.max_values);
  if (facts.place_hash) new_place = !remember(places_, *facts.place_hash, limits.max_values);
  bool new_device = false;
  if (facts.device_hash) new_device = !remember(devices_, *facts.device_hash, limits.max_values);
  row[kNewDevice] = mature && new_device ? 1.0f : 0.0f;
  row[kTravelSpeed] =
      mature && view.travel
          ? static_cast<float>(std::log1p(std::max(0.0, view.travel->kmh - limits.plausible_kmh)))
          : 0.0f;
  row[kNewIp] = mature && new_ip ? 1.0f : 0.0f;
  row[kNewResource] = mature && new_resource ? 1.0f : 0.0f;
  row[kNewPlace] = mature && new_place ? 1.0f : 0.0f;
  row[kGeoDistance] =
      mature && view.nearest_km ? static_cast<float>(std::log1p(*view.nearest_km)) : 0.0f;
  const int hour = hour_of_day(o.time_s);
  row[kHourRarity] = kEvenHourRarity;
  if (mature && hours_total_ > 0) {
    const double near = hours_[static_cast<size_t>((hour + 23) % 24)] +
                        hours_[static_cast<size_t>(hour)] +
                        hours_[static_cast<size_t>((hour + 1) % 24)];
    view.hour_share = near / hours_total_;
    row[kHourRarity] = static_cast<float>(-std::log2((near + kHourPrior) / (hours_total_ + 1)));
  }
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
  if (o.point) {
    learn_place(*o.point, near);
    // Late events do not move the last sighting back in time.
    if (!last_point_ || o.time_s >= last_point_s_) {
      last_point_ = o.point;
      last_point_s_ = o.time_s;
    }
  }
  hours_[static_cast<size_t>(hour)] += 1;
  hours_total_ += 1;
  if (hours_total_ > kHourMemory) {
    for (float& h : hours_) h /= 2;
    hours_total_ /= 2;
  }
  return view;
}

void EntityHistory::encode(ByteWriter& w) const {
  w.put(kCodecVersion);
  w.put(events_);
  w.put(first_s_);
  w.put(last_s_);
  w.put(rate_weight_);
  w.put(failure_weight_);
  w.put(log_kb_mean_);
  w.put(volumes_);
  for (const float h : hours_) w.put(h);
  w.put(hours_total_);
  for (const auto* set : {&ips_, &resources_, &places_, &devices_}) {
    w.put(static_cast<uint32_t>(set->size()));
    for (const uint64_t v : *set) w.put(v);
  }
  w.put(static_cast<uint32_t>(spots_.size()));
  for (const Place& p : spots_) {
    w.put(p.point.lat);
    w.put(p.point.lon);
    w.put(p.weight);
  }
  w.put(static_cast<uint8_t>(last_point_.has_value()));
  w.put(last_point_ ? last_point_->lat : 0.0);
  w.put(last_point_ ? last_point_->lon : 0.0);
  w.put(last_point_s_);
}

bool EntityHistory::decode(ByteReader& r) {
  if (r.get<uint32_t>() != kCodecVersion) return false;
  events_ = r.get<uint64_t>();
  first_s_ = r.get<int64_t>();
  last_s_ = r.get<int64_t>();
  rate_weight_ = r.get<double>();
  failure_weight_ = r.get<double>();
  log_kb_mean_ = r.get<double>();
  volumes_ = r.get<uint64_t>();
  for (float& h : hours_) h = r.get<float>();
  hours_total_ = r.get<double>();
  for (auto* set : {&ips_, &resources_, &places_, &devices_}) {
    const uint32_t n = r.get<uint32_t>();
    if (!r.ok() || n > 1'000'000) return false;
    set->resize(n);
    for (uint64_t& v : *set) v = r.get<uint64_t>();
  }
  const uint32_t spots = r.get<uint32_t>();
  if (!r.ok() || spots > kMaxPlaces) return false;
  spots_.resize(spots);
  for (Place& p : spots_) {
    p.point.lat = r.get<double>();
    p.point.lon = r.get<double>();
    p.weight = r.get<double>();
  }
  const bool has_point = r.get<uint8_t>() != 0;
  const behavior::GeoPoint point{r.get<double>(), r.get<double>()};
  if (has_point) last_point_ = point;
  last_point_s_ = r.get<int64_t>();
  return r.ok();
}

EntityTable::EntityTable(uint64_t max_entities, EntityHistory::Limits limits,
                         Pseudonymizer pseudonymize)
    : max_entities_(max_entities),
      per_shard_(std::max<size_t>(1, max_entities / kShards)),
      limits_(limits),
      pseudonymize_(std::move(pseudonymize)) {}

size_t EntityTable::dormant() const {
  std::lock_guard lock(dormant_mu_);
  return dormant_.size();
}

Result<size_t> EntityTable::save(const std::filesystem::path& file) const {
  if (!pseudonymize_)
    return make_error(ErrorCode::kInvalidInput,
                      "entity histories need a pseudonymizer to be saved");
  std::string body;
  ByteWriter w(body);
  uint64_t count = 0;
  const auto put = [&](const std::string& pseudonym, const EntityHistory& h) {
    w.put_bytes(pseudonym);
    h.encode(w);
    ++count;
  };
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    shard.recency.for_each_newest_first([&](const Node& node) {
      if (count < max_entities_) put(node.pseudonym, node.history);
    });
  }
  {
    std::lock_guard lock(dormant_mu_);
    for (const auto& [pseudonym, h] : dormant_) {
      if (count >= max_entities_) break;
      put(pseudonym, h);
    }
  }
  std::string out;
  ByteWriter head(out);
  head.put_bytes(kEntitiesMagic);
  head.put(kFeatureSchema);
  head.put(count);
  out += body;
  if (auto r = write_file_atomically(file, out); !r) return tl::unexpected(r.error());
  return static_cast<size_t>(count);
}

Result<size_t> EntityTable::load(const std::filesystem::path& file) {
  auto bytes = read_state_file(file);
  if (!bytes) return tl::unexpected(bytes.error());
  ByteReader r(*bytes);
  const auto bad = [&](std::string_view what) {
    return make_error(ErrorCode::kInvalidInput, fmt::format("{}: {}", file.string(), what));
  };
  if (r.get_bytes() != kEntitiesMagic) return bad("not a vigil entity file");
  if (r.get<uint32_t>() != kFeatureSchema) return bad("entities of another feature schema");
  const auto count = r.get<uint64_t>();
  std::unordered_map<std::string, EntityHistory> loaded;
  for (uint64_t i = 0; i < count && r.ok(); ++i) {
    std::string pseudonym = r.get_bytes();
    EntityHistory h;
    if (!h.decode(r)) return bad(fmt::format("entity {} is unreadable", i));
    if (loaded.size() < max_entities_) loaded.emplace(std::move(pseudonym), std::move(h));
  }
  if (!r.ok() || !r.at_end()) return bad("truncated or trailing data");
  std::lock_guard lock(dormant_mu_);
  dormant_ = std::move(loaded);
  return dormant_.size();
}

HistoryView EntityTable::observe(const EventFacts& facts, FeatureRow& row) {
  const std::string& entity = facts.observation.entity;
  const uint64_t key = XXH3_64bits(entity.data(), entity.size());
  Shard& shard = shards_[key % kShards];
  std::lock_guard lock(shard.mu);
  auto it = shard.nodes.find(key);
  if (it == shard.nodes.end()) {
    if (shard.nodes.size() >= per_shard_) {
      const uint64_t oldest = shard.recency.pop_oldest().key;
      shard.nodes.erase(oldest);
    }
    it = shard.nodes.emplace(key, Node{}).first;
    Node& node = it->second;
    node.key = key;
    if (pseudonymize_) {
      node.pseudonym = pseudonymize_(entity);
      std::lock_guard dormant_lock(dormant_mu_);
      if (auto d = dormant_.find(node.pseudonym); d != dormant_.end()) {
        node.history = std::move(d->second);
        dormant_.erase(d);
      }
    }
  }
  shard.recency.touch(it->second);
  shard.recency.compact(shard.nodes.size());
  return it->second.history.observe(facts, limits_, row);
}

void EntityTable::prefetch(uint64_t key) const {
  const Shard& shard = shards_[key % kShards];
  std::unique_lock lock(shard.mu, std::try_to_lock);
  if (!lock.owns_lock()) return;
  auto it = shard.nodes.find(key);
  if (it == shard.nodes.end()) return;
  prefetch_lines(&it->second, sizeof(Node));
  it->second.history.prefetch();
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
