// What the ML features remember per entity: a decayed event rate and failure
// ratio (a sliding window without storing events), the IPs, resources and
// places seen (64-bit hashes only, a bounded most-recent set each), a few
// usual locations, and the entity's usual data volume. Held in a sharded,
// bounded table keyed by a hash of the entity: no raw identifier is kept.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "behavior/observation.h"
#include "behavior/recency_log.h"
#include "config/config.h"
#include "core/error.h"
#include "ml/byte_codec.h"
#include "ml/features.h"

namespace vigil::ml {

// The history as it stood before an event, for words in explanations.
struct HistoryView {
  uint64_t events = 0;               // events seen before this one
  int64_t first_seen_s = 0;          // the entity's first event (this one if it is the first)
  std::optional<double> usual_kb;    // geometric mean of past data volumes
  std::optional<double> hour_share;  // of past events within an hour of this time of day
  std::optional<double> nearest_km;  // to the closest usual place
  struct Travel {
    double km = 0;             // from the last geolocated sighting
    double hours = 0;          // since it
    double kmh = 0;            // implied speed (distance beyond the GeoIP noise floor)
    double plausible_kmh = 0;  // the limit the feature counts from
  };
  std::optional<Travel> travel;
  double rate_per_hour = 0;  // including this event
  double failure_ratio = 0;  // including this event
};

class EntityHistory {
 public:
  struct Limits {
    size_t max_values = 64;
    uint64_t novelty_min_events = 10;
    double rate_half_life_s = 3600;
    // Travel up to this speed (an airliner's) is plausible: the feature is
    // the speed beyond it (behavior.max_speed_kmh through the engine).
    double plausible_kmh = 1000;
  };

  // Fills the history features of `row` as the history stood before the
  // event (novelty, distance) or including it (rate, failure ratio), then
  // learns the event.
  HistoryView observe(const EventFacts& facts, const Limits& limits, FeatureRow& row);

  uint64_t events() const { return events_; }
  // Starts loading the lists observe() scans (EntityTable::prefetch).
  void prefetch() const;
  // The whole history as bytes (ml/byte_codec.h) and back; false when the
  // bytes are not a history of this version.
  void encode(ByteWriter& w) const;
  bool decode(ByteReader& r);

 private:
  struct Place {
    behavior::GeoPoint point;
    double weight = 0;
  };
  static constexpr size_t kMaxPlaces = 8;
  static constexpr uint32_t kCodecVersion = 1;
  static constexpr double kSamePlaceKm = 100;
  // Travel speed: distances under the noise floor of IP geolocation do not
  // count, and events closer in time than a minute count as a minute apart.
  static constexpr double kMinTravelHours = 1.0 / 60;

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
  int64_t first_s_ = 0;
  int64_t last_s_ = 0;
  double rate_weight_ = 0;  // events, each halving every half-life
  double failure_weight_ = 0;
  double log_kb_mean_ = 0;  // running mean of ln(1 + kb) over the last ~50 volumes
  uint64_t volumes_ = 0;
  std::array<float, 24> hours_{};  // events by UTC hour of day (halved when large)
  double hours_total_ = 0;
  std::vector<uint64_t> ips_, resources_, places_, devices_;  // most recent last
  std::vector<Place> spots_;
  std::optional<behavior::GeoPoint> last_point_;  // the last geolocated sighting
  int64_t last_point_s_ = 0;
};

// Entities by hash, sharded behind mutexes (workers call concurrently),
// bounded with least-recently-seen eviction per shard. With a pseudonymizer
// the table can be saved and loaded: entities at rest are known by
// pseudonym only, and a loaded history waits ("dormant") until an entity
// with that pseudonym shows up again.
class EntityTable {
 public:
  using Pseudonymizer = std::function<std::string(std::string_view)>;
  EntityTable(uint64_t max_entities, EntityHistory::Limits limits, Pseudonymizer pseudonymize = {});

  HistoryView observe(const EventFacts& facts, FeatureRow& row);
  // Starts loading the history of the entity whose XXH3-64 is `key` (what
  // observe() keys it by); a history another lane holds locked, or not in
  // memory, is left alone (a hint is not worth a wait).
  void prefetch(uint64_t key) const;
  size_t size() const;
  size_t dormant() const;

  // Writes the tracked histories (most recently seen first, then dormant
  // ones, at most max_entities). Returns how many. Needs a pseudonymizer.
  Result<size_t> save(const std::filesystem::path& file) const;
  // Reads a saved table into the dormant set. Returns how many.
  Result<size_t> load(const std::filesystem::path& file);

 private:
  struct Node {
    // Stamped on every sighting: beside the table's key and the history's
    // first fields, in the line the lookup reads anyway.
    uint64_t recency = 0;  // RecencyLog's stamp
    EntityHistory history;
    uint64_t key = 0;
    std::string pseudonym;  // empty without a pseudonymizer
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<uint64_t, Node> nodes;
    behavior::RecencyLog<Node> recency;  // least recently seen evicted first
  };
  static constexpr size_t kShards = 16;

  size_t max_entities_;
  size_t per_shard_;
  EntityHistory::Limits limits_;
  Pseudonymizer pseudonymize_;
  std::array<Shard, kShards> shards_;
  mutable std::mutex dormant_mu_;
  std::unordered_map<std::string, EntityHistory> dormant_;  // by pseudonym
};

}  // namespace vigil::ml
