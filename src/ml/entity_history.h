// What the ML features remember per entity: a decayed event rate and failure
// ratio (a sliding window without storing events), the IPs, resources and
// places seen (64-bit hashes only, a bounded most-recent set each), a few
// usual locations, and the entity's usual data volume. Held in a sharded,
// bounded table keyed by a hash of the entity: no raw identifier is kept.
#pragma once

#include <array>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "behavior/observation.h"
#include "config/config.h"
#include "ml/features.h"

namespace vigil::ml {

// The history as it stood before an event, for words in explanations.
struct HistoryView {
  uint64_t events = 0;               // events seen before this one
  std::optional<double> usual_kb;    // geometric mean of past data volumes
  std::optional<double> hour_share;  // of past events within an hour of this time of day
  std::optional<double> nearest_km;  // to the closest usual place
  double rate_per_hour = 0;          // including this event
  double failure_ratio = 0;          // including this event
};

class EntityHistory {
 public:
  struct Limits {
    size_t max_values = 64;
    uint64_t novelty_min_events = 10;
    double rate_half_life_s = 3600;
  };

  // Fills the history features of `row` as the history stood before the
  // event (novelty, distance) or including it (rate, failure ratio), then
  // learns the event.
  HistoryView observe(const EventFacts& facts, const Limits& limits, FeatureRow& row);

  uint64_t events() const { return events_; }

 private:
  struct Place {
    behavior::GeoPoint point;
    double weight = 0;
  };
  static constexpr size_t kMaxPlaces = 8;
  static constexpr double kSamePlaceKm = 100;

  void decay_to(int64_t time_s, double half_life_s);
  static bool remember(std::vector<uint64_t>& seen, uint64_t hash, size_t cap);
  struct Nearest {
    size_t index = 0;
    double km = 0;
  };
  // The closest usual place; nullopt when there is none yet.
  std::optional<Nearest> nearest(behavior::GeoPoint p) const;
  void learn_place(behavior::GeoPoint p, const std::optional<Nearest>& nearest);

  uint64_t events_ = 0;
  int64_t last_s_ = 0;
  double rate_weight_ = 0;  // events, each halving every half-life
  double failure_weight_ = 0;
  double log_kb_mean_ = 0;  // running mean of ln(1 + kb) over the last ~50 volumes
  uint64_t volumes_ = 0;
  std::array<float, 24> hours_{};  // events by UTC hour of day (halved when large)
  double hours_total_ = 0;
  std::vector<uint64_t> ips_, resources_, places_;  // most recent last
  std::vector<Place> spots_;
};

// Entities by hash, sharded behind mutexes (workers call concurrently),
// bounded with least-recently-seen eviction per shard.
class EntityTable {
 public:
  EntityTable(uint64_t max_entities, EntityHistory::Limits limits);

  HistoryView observe(const EventFacts& facts, FeatureRow& row);
  size_t size() const;

 private:
  struct Node {
    EntityHistory history;
    std::list<uint64_t>::iterator lru;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<uint64_t, Node> nodes;
    std::list<uint64_t> lru;  // most recently seen first
  };
  static constexpr size_t kShards = 16;

  size_t per_shard_;
  EntityHistory::Limits limits_;
  std::array<Shard, kShards> shards_;
};

}  // namespace vigil::ml
